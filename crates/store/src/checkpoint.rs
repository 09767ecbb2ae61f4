//! WAL checkpoints on a thread of their own, for bulk writes.
//!
//! In WAL mode every committed page is written twice: into the log at commit, and into
//! the database file at a checkpoint. SQLite runs the checkpoint inside the commit that
//! crosses `wal_autocheckpoint`, on the writer's thread, and during a bulk ingest that was
//! a tenth of the writer's time (measured with perf); the writer is the serial part of
//! the pipeline, so that time was lost to every core. [`BackgroundCheckpoints`] copies
//! the log into the database from a second connection while the writer goes on, in
//! `PASSIVE` mode, which never waits for and never blocks the writer or readers. The
//! writer's own auto-checkpoint stays on as the safety net: if this thread falls behind,
//! the log is still bounded.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::{Result, Store, StoreError};

/// How often the thread looks at the log.
const INTERVAL: Duration = Duration::from_millis(200);

/// While alive, checkpoints the store's WAL from a background thread; dropping it stops
/// the thread (after the checkpoint in progress, if any).
pub struct BackgroundCheckpoints {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Store {
    /// Starts checkpointing this store's WAL in the background (see the module docs).
    /// `None` for a store in memory, which has no log.
    pub fn checkpoint_in_background(&self) -> Result<Option<BackgroundCheckpoints>> {
        let Some(path) = self.path() else {
            return Ok(None);
        };
        let conn = open_checkpointer(path)?;
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let signal = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || run(&conn, &signal))
            .map_err(|e| StoreError::Backend {
                action: "start the WAL checkpoint thread",
                source: Box::new(e),
            })?;
        Ok(Some(BackgroundCheckpoints {
            stop,
            thread: Some(thread),
        }))
    }
}

fn open_checkpointer(path: &Path) -> Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::Open {
        path: path.to_path_buf(),
        source: e,
    })
}

fn run(conn: &Connection, stop: &(Mutex<bool>, Condvar)) {
    let (lock, wake) = stop;
    loop {
        {
            let Ok(stopped) = lock.lock() else { return };
            let Ok((stopped, _)) = wake.wait_timeout_while(stopped, INTERVAL, |s| !*s) else {
                return;
            };
            if *stopped {
                return;
            }
        }
        // A failure (busy: the writer's safety-net checkpoint is running) costs nothing
        // but this round; the next one catches up, and the writer's own checkpoint
        // bounds the log meanwhile.
        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(0));
    }
}

impl Drop for BackgroundCheckpoints {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        if let Ok(mut stopped) = lock.lock() {
            *stopped = true;
        }
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wal_bytes(path: &Path) -> i64 {
        std::fs::metadata(path.with_extension("sqlite-wal"))
            .map(|m| m.len() as i64)
            .unwrap_or(0)
    }

    /// The thread copies committed pages into the database file while the writer keeps
    /// its connection open, and nothing committed is lost.
    #[test]
    fn background_thread_checkpoints_while_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite");
        let store = Store::open(&path).unwrap();
        store
            .conn
            .execute_batch("PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (v BLOB);")
            .unwrap();
        let size_before = std::fs::metadata(&path).unwrap().len();
        let checkpoints = store.checkpoint_in_background().unwrap().unwrap();
        for _ in 0..50 {
            store
                .conn
                .execute("INSERT INTO t (v) VALUES (zeroblob(8192))", [])
                .unwrap();
        }
        // The writer never checkpoints (auto-checkpoint off), so only the thread can
        // grow the database file.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::fs::metadata(&path).unwrap().len() < size_before + 50 * 8192 {
            assert!(
                std::time::Instant::now() < deadline,
                "no checkpoint within 30 s (log {} bytes)",
                wal_bytes(&path)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(checkpoints);
        let n: i64 = store
            .conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 50);
    }

    #[test]
    fn memory_store_has_no_checkpoint_thread() {
        let store = Store::in_memory().unwrap();
        assert!(store.checkpoint_in_background().unwrap().is_none());
    }
}
