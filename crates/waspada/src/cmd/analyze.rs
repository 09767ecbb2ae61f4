//! `waspada analyze` (being written).

use std::process::ExitCode;

/// Arguments of `waspada analyze`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`waspada analyze` is not built yet")
}
