//! `waspada eval` (being written).

use std::process::ExitCode;

/// Arguments of `waspada eval`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`waspada eval` is not built yet")
}
