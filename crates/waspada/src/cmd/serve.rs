//! `waspada serve`: the HTTP JSON API and the dashboard over a data directory.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use waspada_serve::AppState;

use super::data::DataArgs;

/// Arguments of `waspada serve`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on. Anything but 127.0.0.1 should sit behind a reverse proxy
    /// that adds HTTPS.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Session cookies without the `Secure` flag, for an HTTP client that refuses them on
    /// plain http://127.0.0.1 (Chromium and Firefox accept them). Loopback addresses only.
    #[arg(long)]
    pub plain_http: bool,
}

/// Runs the command until Ctrl-C.
pub fn run(args: Args) -> Result<ExitCode> {
    let dir = args.data.existing()?;
    if args.plain_http && !args.addr.ip().is_loopback() {
        bail!(
            "--plain-http is only allowed on a loopback address (127.0.0.1): elsewhere session \
             cookies must only travel over HTTPS"
        );
    }
    let mut state = AppState::open(dir.root()).context("cannot open the data directory")?;
    state.secure_cookies = !args.plain_http;
    let users = dir.store()?.users()?;
    if !users.iter().any(|u| !u.disabled) {
        eprintln!(
            "warning: nobody can log in yet: add a user with \
             `waspada user add NAME --role admin --data {}`",
            dir.root().display()
        );
    }
    serve(state, args.addr, None)?;
    Ok(ExitCode::SUCCESS)
}

/// Serves `state` on `addr`, printing where (and `login`, a line on how to log in).
pub fn serve(state: AppState, addr: SocketAddr, login: Option<&str>) -> Result<()> {
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: serving plain HTTP on {addr}: put a reverse proxy with HTTPS in front \
             (browsers keep the session cookie only over HTTPS or on localhost)"
        );
    }
    println!("dashboard: http://{addr}/   (API: http://{addr}/api/openapi.json)");
    if let Some(login) = login {
        println!("{login}");
    }
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
