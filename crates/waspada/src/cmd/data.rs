//! The `--data` option shared by every command that uses the store.

use std::path::PathBuf;

use anyhow::{Context, Result};
use waspada_pipeline::DataDir;

/// Where the store and the search index live.
#[derive(clap::Args, Debug, Clone)]
pub struct DataArgs {
    /// Data directory (created if missing): `waspada.sqlite` and the search index.
    #[arg(
        long = "data",
        env = "WASPADA_DATA",
        default_value = "waspada-data",
        value_name = "DIR"
    )]
    pub dir: PathBuf,
}

impl DataArgs {
    /// Opens (creating) the data directory.
    pub fn open(&self) -> Result<DataDir> {
        DataDir::create(&self.dir)
            .with_context(|| format!("cannot use {} as the data directory", self.dir.display()))
    }

    /// Opens an existing data directory; says how to create one otherwise.
    pub fn existing(&self) -> Result<DataDir> {
        if !self.dir.join("waspada.sqlite").exists() {
            anyhow::bail!(
                "no Waspada store in {}; ingest articles first (`waspada ingest FILE --data {}`)",
                self.dir.display(),
                self.dir.display()
            );
        }
        self.open()
    }
}
