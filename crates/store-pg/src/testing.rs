//! Test support: a throw-away PostgreSQL server (or database) per test.
//!
//! Not for production use. [`TempPostgres::start`] runs Debian's PostgreSQL binaries
//! (`initdb`, `pg_ctl`) on a fresh data directory in a temporary directory, listening on a
//! free loopback port with its socket in that directory and `fsync` off (tests need speed,
//! not durability). Dropping it stops the server and deletes the directory.
//!
//! - Binaries: `$PG_BIN`, else `/usr/lib/postgresql/<newest>/bin`, else `PATH`.
//! - As root (here and in CI) the server runs as the `postgres` user (`runuser`), because
//!   `initdb` refuses root.
//! - With `WASPADA_PG_URL` set, no server is started: each `TempPostgres` is a fresh
//!   database on that server, dropped afterwards.
//! - [`TempPostgres::for_test`] decides what a test does without PostgreSQL: fail under CI
//!   (`WASPADA_CI=1`), otherwise say `skipped: <reason>` and let the test return.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use tempfile::TempDir;

/// Why a temporary PostgreSQL could not be had.
#[derive(Debug, thiserror::Error)]
pub enum TempPostgresError {
    /// The PostgreSQL server binaries are not installed.
    #[error(
        "PostgreSQL server binaries not found ({0}); install Debian's postgresql-15 or set PG_BIN"
    )]
    Missing(String),
    /// A step of starting the server failed.
    #[error("could not {step}: {detail}")]
    Failed {
        /// What was being done.
        step: &'static str,
        /// What went wrong (command output, log tail).
        detail: String,
    },
    /// Stopping or restarting needs the server this harness started itself.
    #[error("this PostgreSQL is not ours to stop (WASPADA_PG_URL names someone else's server)")]
    Unsupported,
}

fn failed(step: &'static str) -> impl Fn(std::io::Error) -> TempPostgresError {
    move |e| TempPostgresError::Failed {
        step,
        detail: e.to_string(),
    }
}

/// A PostgreSQL server (or database) that lives as long as the value.
pub struct TempPostgres {
    url: String,
    kind: Kind,
    /// Databases made by [`TempPostgres::fresh_database`] (dropped with a shared server).
    extra: Mutex<Vec<String>>,
}

enum Kind {
    /// Our own server in a temporary directory.
    Server {
        bin: PathBuf,
        data: PathBuf,
        as_postgres: bool,
        /// `pg_ctl -o` options and log file, to start it again on the same port.
        options: String,
        log: PathBuf,
        // Declared last: removed after the server stopped.
        _dir: TempDir,
    },
    /// A database created on the server of `WASPADA_PG_URL`.
    Database { admin_url: String, name: String },
}

impl TempPostgres {
    /// Starts a server (or creates a database on `WASPADA_PG_URL`'s server).
    pub fn start() -> Result<TempPostgres, TempPostgresError> {
        match std::env::var("WASPADA_PG_URL") {
            Ok(url) if !url.trim().is_empty() => Self::database_on(url.trim()),
            _ => Self::own_server(),
        }
    }

    /// For tests: a server, or `None` after printing `skipped: <reason>` when PostgreSQL
    /// is not installed and this is not CI.
    ///
    /// # Panics
    /// Under CI (`WASPADA_CI=1`) when no server can be had, and anywhere when an installed
    /// server fails to start: a test must not pass without running.
    pub fn for_test() -> Option<TempPostgres> {
        match Self::start() {
            Ok(pg) => Some(pg),
            Err(TempPostgresError::Missing(reason))
                if std::env::var("WASPADA_CI").as_deref() != Ok("1") =>
            {
                eprintln!("skipped: PostgreSQL server binaries not found ({reason})");
                None
            }
            Err(e) => panic!("no PostgreSQL for this test: {e}"),
        }
    }

    /// The connection URL (`postgres://...`).
    pub fn url(&self) -> &str {
        &self.url
    }

    fn own_server() -> Result<TempPostgres, TempPostgresError> {
        let bin = find_bin()?;
        let as_postgres = is_root()?;
        let dir = tempfile::Builder::new()
            .prefix("waspada-pg-")
            .tempdir()
            .map_err(failed("create a temporary directory"))?;
        let data = dir.path().join("data");
        if as_postgres {
            // The server runs as `postgres`: it must own its directory.
            run(
                Command::new("chown").arg("postgres:").arg(dir.path()),
                "give the temporary directory to the postgres user",
            )?;
        }
        let user_cmd = |program: &str| -> Command {
            let exe = bin.join(program);
            if as_postgres {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(exe);
                c
            } else {
                Command::new(exe)
            }
        };
        run(
            user_cmd("initdb")
                .arg("-D")
                .arg(&data)
                .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"])
                .arg("--no-sync"),
            "initialise a PostgreSQL data directory (initdb)",
        )?;
        let log = dir.path().join("server.log");
        // A free port can be taken by someone else before the server binds it: try again.
        let mut last = None;
        for _ in 0..5 {
            let port = free_port()?;
            let options = format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
                 -c synchronous_commit=off -c full_page_writes=off -c max_connections=100",
                dir.path().display()
            );
            let started = user_cmd("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .args(["-o", &options, "-w", "-t", "60", "start"])
                .output()
                .map_err(failed("run pg_ctl start"))?;
            if started.status.success() {
                return Ok(TempPostgres {
                    extra: Mutex::new(Vec::new()),
                    url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
                    kind: Kind::Server {
                        bin,
                        data,
                        as_postgres,
                        options,
                        log,
                        _dir: dir,
                    },
                });
            }
            last = Some(format!(
                "{}{}\nserver log:\n{}",
                String::from_utf8_lossy(&started.stdout),
                String::from_utf8_lossy(&started.stderr),
                tail(&log)
            ));
        }
        Err(TempPostgresError::Failed {
            step: "start PostgreSQL (pg_ctl start)",
            detail: last.unwrap_or_default(),
        })
    }

    /// Stops the server (fast shutdown: clients are disconnected), as an outage would.
    /// `Unsupported` for a database on someone else's server (`WASPADA_PG_URL`).
    pub fn stop(&self) -> Result<(), TempPostgresError> {
        self.pg_ctl(
            &["-m", "fast", "-w", "stop"],
            "stop PostgreSQL (pg_ctl stop)",
        )
    }

    /// Starts the server again after [`TempPostgres::stop`], on the same port and data.
    pub fn restart(&self) -> Result<(), TempPostgresError> {
        let Kind::Server { options, log, .. } = &self.kind else {
            return Err(TempPostgresError::Unsupported);
        };
        let log = log.display().to_string();
        self.pg_ctl(
            &["-l", &log, "-o", options, "-w", "-t", "60", "start"],
            "start PostgreSQL again (pg_ctl start)",
        )
    }

    fn pg_ctl(&self, args: &[&str], step: &'static str) -> Result<(), TempPostgresError> {
        let Kind::Server {
            bin,
            data,
            as_postgres,
            ..
        } = &self.kind
        else {
            return Err(TempPostgresError::Unsupported);
        };
        let exe = bin.join("pg_ctl");
        let mut c = if *as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        run(c.arg("-D").arg(data).args(args), step).map(drop)
    }

    /// A new empty database on the same server, dropped with this value: lets one server
    /// serve several independent checks. Returns its URL.
    pub fn fresh_database(&self) -> Result<String, TempPostgresError> {
        let admin = match &self.kind {
            Kind::Server { .. } => &self.url,
            Kind::Database { admin_url, .. } => admin_url,
        };
        let name = new_database(admin)?;
        self.extra
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(name.clone());
        Ok(with_database(admin, &name))
    }

    fn database_on(admin_url: &str) -> Result<TempPostgres, TempPostgresError> {
        let name = new_database(admin_url)?;
        Ok(TempPostgres {
            extra: Mutex::new(Vec::new()),
            url: with_database(admin_url, &name),
            kind: Kind::Database {
                admin_url: admin_url.to_string(),
                name,
            },
        })
    }
}

/// Creates a database with a name no other test uses; returns the name.
fn new_database(admin_url: &str) -> Result<String, TempPostgresError> {
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "waspada_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        waspada_store::now_ms()
    );
    admin_sql(admin_url, format!("CREATE DATABASE {name}"))?;
    Ok(name)
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        if let Kind::Database { admin_url, .. } = &self.kind {
            let extra = std::mem::take(self.extra.get_mut().unwrap_or_else(|e| e.into_inner()));
            for name in extra {
                let _ = admin_sql(
                    admin_url,
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                );
            }
        }
        match &self.kind {
            Kind::Server {
                bin,
                data,
                as_postgres,
                ..
            } => {
                let mut c = if *as_postgres {
                    let mut c = Command::new("runuser");
                    c.args(["-u", "postgres", "--"]).arg(bin.join("pg_ctl"));
                    c
                } else {
                    Command::new(bin.join("pg_ctl"))
                };
                let _ = c
                    .arg("-D")
                    .arg(data)
                    .args(["-m", "immediate", "-w", "stop"])
                    .output();
            }
            Kind::Database { admin_url, name } => {
                let _ = admin_sql(
                    admin_url,
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                );
            }
        }
    }
}

/// Runs one statement on the admin URL from a thread and runtime of its own, so that it
/// works inside and outside a test's runtime alike.
fn admin_sql(url: &str, sql: String) -> Result<(), TempPostgresError> {
    let url = url.to_string();
    let job = std::thread::spawn(move || -> Result<(), String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .map_err(|e| crate::error::backend("connect")(e).to_string())?;
            let driver = tokio::spawn(conn);
            let done = client
                .batch_execute(&sql)
                .await
                .map_err(|e| crate::error::backend("run")(e).to_string());
            drop(client);
            let _ = driver.await;
            done
        })
    });
    job.join()
        .map_err(|_| TempPostgresError::Failed {
            step: "manage a test database on WASPADA_PG_URL",
            detail: "the worker thread panicked".into(),
        })?
        .map_err(|detail| TempPostgresError::Failed {
            step: "manage a test database on WASPADA_PG_URL",
            detail,
        })
}

/// `url` naming database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    for scheme in ["postgres://", "postgresql://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            let (main, query) = match rest.split_once('?') {
                Some((m, q)) => (m, Some(q)),
                None => (rest, None),
            };
            let authority = main.split_once('/').map_or(main, |(a, _)| a);
            let mut out = format!("{scheme}{authority}/{name}");
            if let Some(q) = query {
                out.push('?');
                out.push_str(q);
            }
            return out;
        }
    }
    // libpq key=value form: a later key wins.
    format!("{url} dbname={name}")
}

fn find_bin() -> Result<PathBuf, TempPostgresError> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("PG_BIN") {
        let dir = PathBuf::from(dir);
        return if has_tools(&dir) {
            Ok(dir)
        } else {
            Err(TempPostgresError::Missing(format!(
                "PG_BIN={} has no initdb and pg_ctl",
                dir.display()
            )))
        };
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, dir)| has_tools(dir))
        .collect();
    versions.sort();
    if let Some((_, dir)) = versions.pop() {
        return Ok(dir);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|dir| has_tools(dir))
        .ok_or_else(|| {
            TempPostgresError::Missing("no /usr/lib/postgresql/*/bin, none on PATH".into())
        })
}

fn is_root() -> Result<bool, TempPostgresError> {
    let out = run(
        Command::new("id").arg("-u"),
        "find the current user (id -u)",
    )?;
    Ok(String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn free_port() -> Result<u16, TempPostgresError> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(failed("find a free loopback port"))
}

fn run(cmd: &mut Command, step: &'static str) -> Result<Output, TempPostgresError> {
    let out = cmd.output().map_err(failed(step))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(TempPostgresError::Failed {
            step,
            detail: format!(
                "{}{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        })
    }
}

/// The last lines of a log file, for an error message.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn a_url_names_the_fresh_database() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/main?sslmode=disable", "t1"),
            "postgres://u:p@h:5432/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgresql://h", "t1"), "postgresql://h/t1");
        assert_eq!(
            with_database("host=/tmp user=u", "t1"),
            "host=/tmp user=u dbname=t1"
        );
    }
}
