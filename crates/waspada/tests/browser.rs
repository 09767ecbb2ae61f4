//! The dashboard in a real browser: builds the demo data directory, starts `waspada serve`
//! on a free loopback port and runs `node e2e/run.mjs` (Debian's chromium driven by
//! playwright-core) against it: logging in, signals with their trend sparklines, triage
//! that survives a reload, the language switch, the map and its time slider, and a hostile
//! article pushed through the API that must run nothing.
//!
//! Needs node, chromium (`WASPADA_CHROMIUM`, default `/usr/bin/chromium`) and `npm ci` in
//! `e2e/`; `.ci/run` installs them and sets `WASPADA_CI=1`, under which a missing tool is a
//! failure. Elsewhere the test says why it is skipped. Screenshots go to
//! `WASPADA_SCREENSHOTS` (default: `e2e-screenshots` in Cargo's target tmp directory).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The analyst the browser logs in as (in a throwaway data directory).
const E2E_USER: &str = "e2e-analis";
const E2E_PASSWORD: &str = "uji-peramban-2026-rahasia";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Why the browser test cannot run here, if it cannot.
fn missing_tool(e2e: &Path, chromium: &Path) -> Option<String> {
    let Ok(node) = Command::new("node").arg("--version").output() else {
        return Some("node is not installed".into());
    };
    let version = String::from_utf8_lossy(&node.stdout).trim().to_string();
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return Some(format!(
            "node {version} is too old: playwright-core needs node 20 or newer"
        ));
    }
    if !chromium.exists() {
        return Some(format!("{} is not installed", chromium.display()));
    }
    if !e2e
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        return Some(format!(
            "playwright-core is not installed (run `npm ci` in {})",
            e2e.display()
        ));
    }
    None
}

/// Kills the server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

#[test]
fn dashboard_in_chromium() {
    let e2e = repo_root().join("e2e");
    let chromium = std::env::var_os("WASPADA_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if let Some(why) = missing_tool(&e2e, &chromium) {
        if std::env::var_os("WASPADA_CI").is_some() {
            panic!("WASPADA_CI is set but the browser test cannot run: {why}");
        }
        eprintln!("skipped: {why} (.ci/run installs it)");
        return;
    }

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let waspada = env!("CARGO_BIN_EXE_waspada");
    let demo = Command::new(waspada)
        .args(["demo", "--no-serve", "--data"])
        .arg(&data)
        .env_remove("WASPADA_DATA")
        .output()
        .expect("run waspada demo");
    assert!(
        demo.status.success(),
        "waspada demo failed: {}",
        String::from_utf8_lossy(&demo.stderr)
    );

    // The browser logs in as an analyst, as a person would; the hostile article is pushed
    // with an API token, as a partner's system would.
    let mut add = Command::new(waspada)
        .args([
            "user",
            "add",
            E2E_USER,
            "--role",
            "analyst",
            "--password-stdin",
            "--data",
        ])
        .arg(&data)
        .env_remove("WASPADA_DATA")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("run waspada user add");
    {
        use std::io::Write;
        let mut stdin = add.stdin.take().unwrap();
        writeln!(stdin, "{E2E_PASSWORD}").unwrap();
    }
    assert!(add.wait().unwrap().success(), "waspada user add failed");
    let token = Command::new(waspada)
        .args(["token", "add", "e2e-partner", "--role", "analyst", "--data"])
        .arg(&data)
        .env_remove("WASPADA_DATA")
        .output()
        .expect("run waspada token add");
    assert!(token.status.success(), "waspada token add failed");
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    assert!(
        token.starts_with("wsp_"),
        "unexpected token output {token:?}"
    );

    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let _server = Server(
        Command::new(waspada)
            .args(["serve", "--addr", &addr.to_string(), "--data"])
            .arg(&data)
            .env_remove("WASPADA_DATA")
            .stdout(Stdio::null())
            .spawn()
            .expect("start waspada serve"),
    );
    // Start-up is not under test: wait for the port, however long a loaded machine takes.
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "waspada serve did not listen on {addr}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let shots = std::env::var_os("WASPADA_SCREENSHOTS").map_or_else(
        || Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots"),
        PathBuf::from,
    );
    let out = Command::new("node")
        .arg(e2e.join("run.mjs"))
        .arg(format!("http://{addr}"))
        .env("WASPADA_SCREENSHOTS", &shots)
        .env("WASPADA_CHROMIUM", &chromium)
        .env("WASPADA_E2E_USER", E2E_USER)
        .env("WASPADA_E2E_PASSWORD", E2E_PASSWORD)
        .env("WASPADA_E2E_TOKEN", &token)
        .current_dir(&e2e)
        .output()
        .expect("run node e2e/run.mjs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}");
    assert!(
        out.status.success(),
        "browser checks failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("all browser checks passed"), "{stdout}");
}
