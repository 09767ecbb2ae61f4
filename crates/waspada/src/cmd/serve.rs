//! `waspada serve`: the HTTP JSON API and the dashboard over a data directory.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, Result};
use waspada_serve::AppState;

use super::data::DataArgs;

/// Arguments of `waspada serve`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on. There are no logins yet: keep it on 127.0.0.1.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

/// Runs the command until Ctrl-C.
pub fn run(args: Args) -> Result<ExitCode> {
    let dir = args.data.existing()?;
    let state = AppState::open(dir.root()).context("cannot open the data directory")?;
    serve(state, args.addr)?;
    Ok(ExitCode::SUCCESS)
}

/// Serves `state` on `addr`, printing where.
pub fn serve(state: AppState, addr: SocketAddr) -> Result<()> {
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: serving on {addr}: anyone who can reach it can triage signals \
             (logins are not built yet); prefer 127.0.0.1"
        );
    }
    println!("dashboard: http://{addr}/   (API: http://{addr}/api/openapi.json)");
    println!("press Ctrl-C to stop");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime
        .block_on(waspada_serve::serve_state(state, addr))
        .with_context(|| format!("cannot serve on {addr}"))?;
    Ok(())
}
