//! The data directory: everything Waspada keeps on one machine, in one place.
//!
//! ```text
//! DIR/waspada.sqlite   the store (and its -wal / -shm files)
//! DIR/index/           the search index, rebuildable from the store
//! ```

use std::path::{Path, PathBuf};

use waspada_store::Store;

use crate::PipelineError;
use crate::index::Indexer;

/// A data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// Uses (creating if needed) the directory at `root`.
    pub fn create(root: &Path) -> Result<DataDir, PipelineError> {
        std::fs::create_dir_all(root.join("index")).map_err(|source| PipelineError::DataDir {
            path: root.to_path_buf(),
            source,
        })?;
        Ok(DataDir {
            root: root.to_path_buf(),
        })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The store file.
    pub fn store_path(&self) -> PathBuf {
        self.root.join("waspada.sqlite")
    }

    /// The index directory.
    pub fn index_path(&self) -> PathBuf {
        self.root.join("index")
    }

    /// Opens the store.
    pub fn store(&self) -> Result<Store, PipelineError> {
        Ok(Store::open(&self.store_path())?)
    }

    /// Opens the search index.
    pub fn indexer(&self) -> Result<Indexer, PipelineError> {
        Indexer::open(&self.index_path())
    }
}
