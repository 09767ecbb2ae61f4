//! `waspada detect` (being written).

use std::process::ExitCode;

/// Arguments of `waspada detect`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`waspada detect` is not built yet")
}
