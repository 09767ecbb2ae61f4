//! Helpers shared by the tests that run `waspada` processes next to servers.

#![allow(dead_code)] // Each test file uses its own part.

pub mod postgres;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed (and reaped) when dropped, also when the test fails.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port free at the moment of asking.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// `waspada serve --plain-http --config CONFIG` on a free loopback port, once it listens.
pub fn start_server(dir: &Path, config: &Path) -> (Killed, u16) {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(["serve", "--plain-http", "--addr"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--config")
        .arg(config)
        .current_dir(dir)
        .env_remove("WASPADA_DATA")
        .env_remove("WASPADA_POSTGRES_URL")
        .env_remove("WASPADA_NATS_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start waspada serve");
    wait_until_serving(&mut child, port);
    (Killed(child), port)
}

/// Waits (at most a minute) until the server listens; fails if it exits first.
pub fn wait_until_serving(server: &mut Child, port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = server.try_wait() {
            panic!("waspada serve exited early: {status}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "waspada serve did not listen"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
