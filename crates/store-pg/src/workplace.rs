//! The analysts' workplace ([`Workplace`]) on PostgreSQL, for `waspada serve` processes
//! sharing one database.
//!
//! The trait is synchronous (a request handler composes several calls in one unit of
//! work on one of Tokio's blocking threads; see [`waspada_store::Workplace`]), this
//! crate's client is asynchronous: every method runs its queries with
//! [`Handle::block_on`] on the runtime the value was made with. Where it may be called
//! from:
//! - `tokio::task::spawn_blocking` or a plain thread: directly (serve's handlers).
//! - An async task on a **multi-thread** runtime (the alert dispatcher is async): the call
//!   is wrapped in [`tokio::task::block_in_place`], which hands the worker's other tasks
//!   to another thread while this one blocks. It blocks that task meanwhile; fine for a
//!   dispatcher pass, wasteful for many small tasks.
//! - An async task on a **current-thread** runtime: impossible (the one thread would wait
//!   for itself). It panics at once, saying so, instead of deadlocking.
//!
//! [`Outbox`](waspada_store::Outbox), the alert dispatcher's part, is in `outbox`.
//!
//! Same answers as the SQLite store, and safe with many processes at once: a write that
//! takes several statements runs in one transaction, and the rules that span rows are
//! kept by the database, not by a read followed by a write: unique indexes (a user name
//! ignoring case, one live token per name), a row lock on the signal being triaged, and
//! a transaction-level advisory lock around role and account changes (the last enabled
//! admin stays).

use std::borrow::Cow;
use std::future::Future;
use std::time::Duration;

use deadpool_postgres::Pool;
use tokio::runtime::{Handle, RuntimeFlavor};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use waspada_store::{
    AlertFilter, AlertRow, ArticleBrief, ArticleRecord, Credentials, EventFilter, EventRow,
    FetchState, NewSubscription, NewTriage, OutletRow, ReportRow, Result, Role, SessionUser,
    SignalQuery, SignalRow, SignalSummary, SourceRow, StoreError, Subscription, TokenRow,
    TrendPoint, TriageAction, TriageRow, UserChange, UserRow, Workplace, signal_order,
};

use crate::error::{backend, is_retryable};
use crate::write::text;
use crate::{ATTEMPTS, DEFAULT_POOL_SIZE, LOCK_SPACE, LOCK_USERS, open_pool, pooled, read};

mod outbox;

pub use outbox::CLAIM_MS;

/// [`Workplace`] on PostgreSQL: a connection pool and the runtime its queries run on.
///
/// Make it with [`PgWorkplace::connect`] (inside a runtime) or
/// [`PgRecords::workplace`](crate::PgRecords::workplace) (sharing a pool); a clone shares
/// the pool. The trait is synchronous, the client asynchronous: each method runs its
/// queries with [`Handle::block_on`]. Call it from `tokio::task::spawn_blocking`, a
/// thread of your own, or an async task on a multi-thread runtime (it then blocks in
/// [`tokio::task::block_in_place`]). Inside a task on a current-thread runtime it panics
/// at once ("Cannot start a runtime from within a runtime", and what to do instead)
/// rather than stall the only thread the connections have.
#[derive(Clone)]
pub struct PgWorkplace {
    pool: Pool,
    handle: Handle,
}

impl PgWorkplace {
    /// Connects to `url` (as [`PgRecords::connect`](crate::PgRecords::connect)), brings
    /// the schema up to date and opens a pool of [`DEFAULT_POOL_SIZE`] connections. The
    /// queries will run on the runtime this is awaited on.
    pub async fn connect(url: &str) -> Result<PgWorkplace> {
        Self::connect_with_pool(url, DEFAULT_POOL_SIZE).await
    }

    /// [`PgWorkplace::connect`] with a pool of `pool_size` connections (at least 1).
    pub async fn connect_with_pool(url: &str, pool_size: usize) -> Result<PgWorkplace> {
        let pool = open_pool(url, pool_size).await?;
        Ok(Self::with_pool(pool, Handle::current()))
    }

    pub(crate) fn with_pool(pool: Pool, handle: Handle) -> PgWorkplace {
        PgWorkplace { pool, handle }
    }

    /// Runs `work` to completion on the runtime, blocking this thread; see the module docs
    /// for where that is allowed.
    fn run<T>(&self, work: impl Future<Output = Result<T>>) -> Result<T> {
        match Handle::try_current().map(|h| h.runtime_flavor()) {
            // Inside a multi-thread runtime (a task on one of its workers, or its
            // `block_on`): give the worker's other tasks away first. Elsewhere (a blocking
            // thread, a plain thread) `block_in_place` just runs the closure.
            Ok(RuntimeFlavor::MultiThread) => {
                tokio::task::block_in_place(|| self.handle.block_on(work))
            }
            // A current-thread runtime's blocking threads may block; its one task thread
            // may not, and Tokio refuses: say what to do instead.
            Ok(_) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.handle.block_on(work)
            }))
            .unwrap_or_else(|refused| {
                let why = refused
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| refused.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                panic!(
                    "{why}\nPgWorkplace was called inside an async task on a current-thread \
                     Tokio runtime, which cannot block for it: call it from \
                     tokio::task::spawn_blocking, or run on a multi-thread runtime"
                )
            }),
            Err(_) => self.handle.block_on(work),
        }
    }

    async fn client(&self) -> Result<deadpool_postgres::Client> {
        pooled(&self.pool).await
    }

    /// [`PgWorkplace::change_user_once`], run again when PostgreSQL aborted it to break a
    /// deadlock (ending a user's sessions can meet a login clearing expired ones).
    async fn change_user(
        &self,
        id: i64,
        disable: Option<bool>,
        role: Option<Role>,
    ) -> Result<UserChange> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.change_user_once(id, disable, role).await {
                Err(e) if attempt < ATTEMPTS && is_retryable(&e) => {
                    tokio::time::sleep(Duration::from_millis(10 << attempt)).await;
                }
                other => return other,
            }
        }
    }

    /// Changes user `id`'s role and/or disables or enables it under the account lock, and
    /// undoes it when no enabled admin is left (the SQLite store's rule: the count after
    /// the change decides).
    async fn change_user_once(
        &self,
        id: i64,
        disable: Option<bool>,
        role: Option<Role>,
    ) -> Result<UserChange> {
        let mut client = self.client().await?;
        let tx = client
            .transaction()
            .await
            .map_err(backend("begin a change to a user"))?;
        // Every role or account change waits for the others: two admins demoting each
        // other at once cannot both see the other still in charge.
        tx.execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&LOCK_SPACE, &LOCK_USERS],
        )
        .await
        .map_err(backend("wait for other changes to users"))?;
        let found = tx
            .query_opt("SELECT id FROM users WHERE id = $1 FOR UPDATE", &[&id])
            .await
            .map_err(backend("find a user"))?;
        if found.is_none() {
            return Ok(UserChange::NoSuchUser);
        }
        if let Some(role) = role {
            tx.execute(
                "UPDATE users SET role = $2 WHERE id = $1",
                &[&id, &role.as_str()],
            )
            .await
            .map_err(backend("change a user's role"))?;
        }
        if let Some(disabled) = disable {
            tx.execute(
                "UPDATE users SET disabled = $2 WHERE id = $1",
                &[&id, &disabled],
            )
            .await
            .map_err(backend("disable or enable a user"))?;
            if disabled {
                tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id])
                    .await
                    .map_err(backend("end the sessions of a user"))?;
            }
        }
        let admins: i64 = tx
            .query_one(
                "SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled",
                &[],
            )
            .await
            .map_err(backend("count admins"))?
            .get(0);
        if admins == 0 {
            tx.rollback()
                .await
                .map_err(backend("undo a change to a user"))?;
            return Ok(UserChange::LastAdmin);
        }
        tx.commit()
            .await
            .map_err(backend("commit a change to a user"))?;
        Ok(UserChange::Done)
    }
}

/// A lookup key as stored: `None` when it holds a NUL character, which PostgreSQL text
/// cannot hold and so no stored value has.
fn key(s: &str) -> Option<&str> {
    (!s.contains('\0')).then_some(s)
}

/// An unreadable stored value (a role the schema's CHECK should have refused).
fn corrupt(action: &'static str, what: String) -> StoreError {
    StoreError::Backend {
        action,
        source: what.into(),
    }
}

fn role_of(r: &Row, i: usize) -> Result<Role> {
    let name: &str = r.get(i);
    Role::parse(name).ok_or_else(|| corrupt("read a role", format!("unknown role {name:?}")))
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A limit or offset as SQL wants it.
fn big(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// ---------------------------------------------------------------------------- signals

/// A signal with its detection time, stories and events (sorted); completed by a `WHERE`
/// on `s`.
const SIGNAL_SELECT: &str = "SELECT s.id, s.disease_id, s.area_level, s.area_code, s.frequency,
        s.period_start, s.method, s.observed, s.expected, s.upperbound, s.score, s.explanation,
        s.status, s.detected_at,
        (SELECT COALESCE(SUM(e.n_stories), 0)::BIGINT FROM signal_events se
             JOIN events e ON e.id = se.event_id WHERE se.signal_id = s.id),
        ARRAY(SELECT se.event_id FROM signal_events se WHERE se.signal_id = s.id
              ORDER BY se.event_id)
     FROM signals s";

/// The first 13 columns of [`SIGNAL_SELECT`] as a signal, its events left empty.
fn signal_from_row(r: &Row) -> SignalRow {
    SignalRow {
        id: r.get(0),
        disease_id: r.get(1),
        area_level: r.get(2),
        area_code: r.get(3),
        frequency: r.get(4),
        period_start: r.get(5),
        method: r.get(6),
        observed: count(r.get(7)),
        expected: r.get(8),
        upperbound: r.get(9),
        score: r.get(10),
        explanation: r.get(11),
        status: r.get(12),
        event_ids: Vec::new(),
    }
}

fn summary_from_row(r: &Row) -> SignalSummary {
    let mut signal = signal_from_row(r);
    signal.event_ids = r.get(15);
    SignalSummary {
        signal,
        detected_at: r.get(13),
        n_stories: r.get(14),
    }
}

/// The `WHERE` clause of a signal query and its (text) arguments.
fn signal_where(q: &SignalQuery) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let arg = |v: &str, args: &mut Vec<String>| {
        args.push(text(v).into_owned());
        args.len()
    };
    if let Some(d) = &q.disease {
        let n = arg(d, &mut args);
        clauses.push(format!("s.disease_id = ${n}"));
    }
    if let Some(a) = &q.area {
        let n = arg(a, &mut args);
        clauses.push(format!(
            "(s.area_code = ${n}::TEXT OR starts_with(s.area_code, ${n}::TEXT || '.')
              OR EXISTS (SELECT 1 FROM signal_events se JOIN events e ON e.id = se.event_id
                         WHERE se.signal_id = s.id AND e.country = ${n}::TEXT))"
        ));
    }
    if let Some(st) = &q.status {
        let n = arg(st, &mut args);
        clauses.push(format!("s.status = ${n}"));
    }
    if let Some(d) = &q.since {
        let n = arg(d, &mut args);
        clauses.push(format!("s.period_start >= ${n}"));
    }
    if let Some(d) = &q.until {
        let n = arg(d, &mut args);
        clauses.push(format!("s.period_start <= ${n}"));
    }
    if let Some(m) = &q.method {
        let n = arg(m, &mut args);
        clauses.push(format!("s.method = ${n}"));
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (clause, args)
}

fn refs(args: &[String]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
}

/// The trend points of a page of signals in ONE statement, through the primary keys of
/// `signals` and `series_counts`: `$1` the signal ids, `$2` and `$3` how many days back
/// weekly and daily windows reach.
const TRENDS_SQL: &str = "SELECT s.id, c.period_start, c.reports
     FROM signals s JOIN series_counts c
       ON c.disease_id = s.disease_id AND c.area_level = s.area_level
      AND c.area_code = s.area_code AND c.frequency = s.frequency
      AND c.period_start BETWEEN
          to_char(waspada_day(s.period_start)
                  - CASE s.frequency WHEN 'weekly' THEN $2::INTEGER ELSE $3::INTEGER END,
                  'YYYY-MM-DD')
          AND s.period_start
     WHERE s.id = ANY($1)
     ORDER BY s.id, c.period_start";

/// Days a trend window reaches back: none when negative (as SQLite reads it), and kept
/// inside PostgreSQL's calendar.
fn reach(days: i64) -> i32 {
    days.clamp(0, 2_000_000) as i32
}

const TRIAGE_COLUMNS: &str = r#"id, signal_id, action, note, assignee, "user", at"#;

fn triage_from_row(r: &Row) -> TriageRow {
    TriageRow {
        id: r.get(0),
        signal_id: r.get(1),
        // The CHECK constraint admits only known actions.
        action: TriageAction::parse(r.get(2)).unwrap_or(TriageAction::Note),
        note: r.get(3),
        assignee: r.get(4),
        user: r.get(5),
        at: r.get(6),
    }
}

// ---------------------------------------------------------------------------- accounts

const USER_COLUMNS: &str = "id, name, role, disabled, created_at, last_login_at";

fn user_from_row(r: &Row) -> Result<UserRow> {
    Ok(UserRow {
        id: r.get(0),
        name: r.get(1),
        role: role_of(r, 2)?,
        disabled: r.get(3),
        created_at: r.get(4),
        last_login_at: r.get(5),
    })
}

const TOKEN_COLUMNS: &str = "id, name, role, created_at, revoked_at, expires_at, last_used_at";

fn token_from_row(r: &Row) -> Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0),
        name: r.get(1),
        role: role_of(r, 2)?,
        created_at: r.get(3),
        revoked_at: r.get(4),
        expires_at: r.get(5),
        last_used_at: r.get(6),
    })
}

// ---------------------------------------------------------------------------- alerts

const SUBSCRIPTION_COLUMNS: &str = r#"id, "user", language, diseases, place_code, min_severity,
     trigger, channel, email, digest, webhook_url, webhook_secret, webhook_format, feed_token,
     created_at, deleted_at"#;

fn subscription_from_row(r: &Row) -> Subscription {
    let diseases: &str = r.get(3);
    Subscription {
        id: r.get(0),
        user: r.get(1),
        language: r.get(2),
        diseases: diseases
            .split(',')
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .collect(),
        place_code: r.get(4),
        min_severity: r.get(5),
        trigger: r.get(6),
        channel: r.get(7),
        email: r.get(8),
        digest: r.get(9),
        webhook_url: r.get(10),
        webhook_secret: r.get(11),
        webhook_format: r.get(12),
        feed_token: r.get(13),
        created_at: r.get(14),
        deleted_at: r.get(15),
    }
}

const ALERT_COLUMNS: &str = "id, signal_id, subscription_id, channel, status, created_at, \
     sent_at, attempts, last_error, next_attempt_at";

fn alert_from_row(r: &Row) -> AlertRow {
    AlertRow {
        id: r.get(0),
        signal_id: r.get(1),
        subscription_id: r.get(2),
        channel: r.get(3),
        status: r.get(4),
        created_at: r.get(5),
        sent_at: r.get(6),
        attempts: r.get(7),
        last_error: r.get(8),
        next_attempt_at: r.get(9),
    }
}

/// The `WHERE` clause of an alert filter and its arguments.
fn alert_where(f: &AlertFilter) -> (String, Vec<&(dyn ToSql + Sync)>) {
    let mut sql = String::from(" WHERE TRUE");
    let mut args: Vec<&(dyn ToSql + Sync)> = Vec::new();
    if let Some(s) = &f.status {
        args.push(s);
        sql += &format!(" AND status = ${}", args.len());
    }
    if let Some(c) = &f.channel {
        args.push(c);
        sql += &format!(" AND channel = ${}", args.len());
    }
    if let Some(id) = &f.subscription_id {
        args.push(id);
        sql += &format!(" AND subscription_id = ${}", args.len());
    }
    (sql, args)
}

const FETCH_COLUMNS: &str = "url, source_id, etag, last_modified, last_attempt_at, \
     last_success_at, last_status, last_error, consecutive_failures, next_attempt_at, \
     items_seen, items_new";

fn fetch_from_row(r: &Row) -> FetchState {
    FetchState {
        url: r.get(0),
        source_id: r.get(1),
        etag: r.get(2),
        last_modified: r.get(3),
        last_attempt_at: r.get(4),
        last_success_at: r.get(5),
        last_status: r.get(6),
        last_error: r.get(7),
        consecutive_failures: r.get(8),
        next_attempt_at: r.get(9),
        items_seen: r.get(10),
        items_new: r.get(11),
    }
}

/// Query parameters.
type Params<'a> = [&'a (dyn ToSql + Sync)];

/// One-statement reads and writes on a pooled connection, for the methods that need no
/// transaction.
impl PgWorkplace {
    /// Every row of `sql`, mapped.
    fn rows<T>(
        &self,
        sql: &str,
        params: &Params<'_>,
        action: &'static str,
        f: impl Fn(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.run(async {
            let rows = self
                .client()
                .await?
                .query(sql, params)
                .await
                .map_err(backend(action))?;
            rows.iter().map(f).collect()
        })
    }

    /// The row of `sql`, if any, mapped.
    fn row<T>(
        &self,
        sql: &str,
        params: &Params<'_>,
        action: &'static str,
        f: impl Fn(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        self.run(async {
            let row = self
                .client()
                .await?
                .query_opt(sql, params)
                .await
                .map_err(backend(action))?;
            row.as_ref().map(f).transpose()
        })
    }

    /// The one row of `sql` (an aggregate), mapped.
    fn one<T>(
        &self,
        sql: &str,
        params: &Params<'_>,
        action: &'static str,
        f: impl Fn(&Row) -> T,
    ) -> Result<T> {
        self.row(sql, params, action, |r| Ok(f(r)))?
            .ok_or_else(|| corrupt(action, "the query answered no row".into()))
    }

    /// The first column of each row of `sql` (ids, times).
    fn ids(&self, sql: &str, id: i64, action: &'static str) -> Result<Vec<i64>> {
        self.rows(sql, &[&id], action, |r| Ok(r.get(0)))
    }

    /// How many rows `sql` changed.
    fn execute(&self, sql: &str, params: &Params<'_>, action: &'static str) -> Result<u64> {
        self.run(async {
            self.client()
                .await?
                .execute(sql, params)
                .await
                .map_err(backend(action))
        })
    }
}

impl Workplace for PgWorkplace {
    fn signal_list(&self, q: &SignalQuery) -> Result<(u64, Vec<SignalSummary>)> {
        let (clause, args) = signal_where(q);
        let total: i64 = self.one(
            &format!("SELECT COUNT(*) FROM signals s{clause}"),
            &refs(&args),
            "count signals",
            |r| r.get(0),
        )?;
        let (limit, offset) = (big(q.limit), big(q.offset));
        let mut params = refs(&args);
        params.push(&limit);
        params.push(&offset);
        let sql = format!(
            "{SIGNAL_SELECT}{clause} ORDER BY {} LIMIT ${} OFFSET ${}",
            signal_order(q.sort),
            args.len() + 1,
            args.len() + 2
        );
        let items = self.rows(&sql, &params, "list signals", |r| Ok(summary_from_row(r)))?;
        Ok((total.max(0) as u64, items))
    }

    fn signal_summary(&self, id: i64) -> Result<Option<SignalSummary>> {
        self.row(
            &format!("{SIGNAL_SELECT} WHERE s.id = $1"),
            &[&id],
            "read a signal",
            |r| Ok(summary_from_row(r)),
        )
    }

    fn signal_with_time(&self, id: i64) -> Result<Option<(SignalRow, i64)>> {
        // As the SQLite store: the signal's own columns, its events not read.
        self.row(
            &format!("{SIGNAL_SELECT} WHERE s.id = $1"),
            &[&id],
            "read a signal",
            |r| Ok((signal_from_row(r), r.get(13))),
        )
    }

    fn event_signal_ids(&self, event_id: i64) -> Result<Vec<i64>> {
        self.ids(
            "SELECT signal_id FROM signal_events WHERE event_id = $1 ORDER BY signal_id",
            event_id,
            "read the signals of an event",
        )
    }

    fn signal_trends(
        &self,
        signal_ids: &[i64],
        weekly_reach_days: i64,
        daily_reach_days: i64,
    ) -> Result<Vec<TrendPoint>> {
        if signal_ids.is_empty() {
            return Ok(Vec::new());
        }
        self.rows(
            TRENDS_SQL,
            &[
                &signal_ids,
                &reach(weekly_reach_days),
                &reach(daily_reach_days),
            ],
            "read the signals' trends",
            |r| {
                Ok(TrendPoint {
                    signal_id: r.get(0),
                    period_start: r.get(1),
                    reports: u32::try_from(r.get::<_, i32>(2)).unwrap_or(0),
                })
            },
        )
    }

    fn triage(&mut self, t: &NewTriage<'_>) -> Result<Option<String>> {
        self.run(async {
            in_transaction!(self, "triage a signal", |tx| {
                // Locks the signal: concurrent actions on it apply one after the other, and
                // its status is always that of its latest status-changing action.
                let Some(row) = tx
                    .query_opt(
                        "UPDATE signals SET status = COALESCE($2, status) WHERE id = $1
                         RETURNING status",
                        &[&t.signal_id, &t.action.status()],
                    )
                    .await
                    .map_err(backend("update a signal status"))?
                else {
                    return Ok(None);
                };
                tx.execute(
                    r#"INSERT INTO signal_triage (signal_id, action, note, assignee, "user", at)
                       VALUES ($1, $2, $3, $4, $5, $6)"#,
                    &[
                        &t.signal_id,
                        &t.action.as_str(),
                        &t.note.map(text),
                        &t.assignee.map(text),
                        &text(t.user),
                        &waspada_store::now_ms(),
                    ],
                )
                .await
                .map_err(backend("record a triage action"))?;
                Ok(Some(row.get::<_, String>(0)))
            })
        })
    }

    fn triage_history(&self, signal_id: i64) -> Result<Vec<TriageRow>> {
        self.rows(
            &format!(
                "SELECT {TRIAGE_COLUMNS} FROM signal_triage WHERE signal_id = $1 ORDER BY at, id"
            ),
            &[&signal_id],
            "read triage history",
            |r| Ok(triage_from_row(r)),
        )
    }

    fn escalations(&self, signal_id: i64) -> Result<Vec<i64>> {
        self.ids(
            "SELECT at FROM signal_triage WHERE signal_id = $1 AND action = 'escalate'
             ORDER BY at, id",
            signal_id,
            "read escalations",
        )
    }

    fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>> {
        self.run(async { read::events(&*self.client().await?, filter).await })
    }

    fn count_events(&self, filter: &EventFilter) -> Result<u64> {
        self.run(async { read::count_events(&*self.client().await?, filter).await })
    }

    fn event(&self, id: i64) -> Result<Option<EventRow>> {
        self.run(async { read::event(&*self.client().await?, id).await })
    }

    fn events_version(&self) -> Result<String> {
        // The SQLite store's fingerprint, and the latest change: every report attached
        // sets its event's `updated_at`.
        self.one(
            "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(n_reports), 0)::BIGINT,
                    COUNT(*) FILTER (WHERE klb_declared), COALESCE(MAX(last_date), ''),
                    COALESCE(MAX(updated_at), 0)
             FROM events",
            &[],
            "read the events' version",
            |r| {
                format!(
                    "{}:{}:{}:{}:{}:{}",
                    r.get::<_, i64>(0),
                    r.get::<_, i64>(1),
                    r.get::<_, i64>(2),
                    r.get::<_, i64>(3),
                    r.get::<_, &str>(4),
                    r.get::<_, i64>(5)
                )
            },
        )
    }

    fn event_reports(&self, event_id: i64) -> Result<Vec<ReportRow>> {
        self.run(async { read::event_reports(&*self.client().await?, event_id).await })
    }

    fn latest_event_reports(&self, event_id: i64, limit: usize) -> Result<Vec<ReportRow>> {
        let mut out = self
            .run(async { read::reports_of(&*self.client().await?, event_id, Some(limit)).await })?;
        out.reverse();
        Ok(out)
    }

    fn article(&self, id: i64) -> Result<Option<ArticleRecord>> {
        self.row(
            &format!("{} WHERE a.id = $1", read::ARTICLE_SELECT),
            &[&id],
            "read an article",
            |r| Ok(read::article_from_row(r)),
        )
    }

    fn article_brief(&self, id: i64) -> Result<Option<ArticleBrief>> {
        self.row(
            "SELECT id, canonical_url, source, title, clean_text, language, published
             FROM articles WHERE id = $1",
            &[&id],
            "read an article",
            |r| {
                Ok(ArticleBrief {
                    id: r.get(0),
                    url: r.get(1),
                    source: r.get(2),
                    title: r.get(3),
                    clean_text: r.get(4),
                    language: r.get(5),
                    published: r.get(6),
                })
            },
        )
    }

    fn article_urls(&self, id: i64) -> Result<Vec<String>> {
        self.rows(
            r#"SELECT url FROM article_urls WHERE article_id = $1 ORDER BY url COLLATE "C""#,
            &[&id],
            "read article URLs",
            |r| Ok(r.get(0)),
        )
    }

    fn article_event_ids(&self, id: i64) -> Result<Vec<i64>> {
        self.ids(
            "SELECT DISTINCT event_id FROM reports WHERE article_id = $1 ORDER BY event_id",
            id,
            "read the events of an article",
        )
    }

    fn series_points(
        &self,
        disease_id: &str,
        area_level: &str,
        area_code: &str,
        frequency: &str,
    ) -> Result<Vec<(String, u32)>> {
        self.rows(
            "SELECT period_start, reports FROM series_counts
             WHERE disease_id = $1 AND area_level = $2 AND area_code = $3 AND frequency = $4
             ORDER BY period_start",
            &[
                &text(disease_id),
                &text(area_level),
                &text(area_code),
                &text(frequency),
            ],
            "read a series",
            |r| Ok((r.get(0), u32::try_from(r.get::<_, i32>(1)).unwrap_or(0))),
        )
    }

    fn latest_report_date(&self) -> Result<Option<String>> {
        self.run(async { read::latest_report_date(&*self.client().await?).await })
    }

    fn sources(&self) -> Result<Vec<SourceRow>> {
        self.rows(
            "SELECT id, name, url, kind, country, language FROM sources ORDER BY name",
            &[],
            "list sources",
            |r| {
                Ok(SourceRow {
                    id: r.get(0),
                    name: r.get(1),
                    url: r.get(2),
                    kind: r.get(3),
                    country: r.get(4),
                    language: r.get(5),
                })
            },
        )
    }

    fn source_fetch_states(&self, source_id: i64) -> Result<Vec<FetchState>> {
        self.rows(
            &format!("SELECT {FETCH_COLUMNS} FROM fetch_state WHERE source_id = $1 ORDER BY url"),
            &[&source_id],
            "read fetch state",
            |r| Ok(fetch_from_row(r)),
        )
    }

    fn source_article_counts(&self, source_id: i64, since_ms: i64) -> Result<(i64, i64)> {
        self.one(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE fetched_at >= $2)
             FROM articles WHERE source_id = $1",
            &[&source_id, &since_ms],
            "count a source's articles",
            |r| (r.get(0), r.get(1)),
        )
    }

    fn outlets(&self, limit: usize) -> Result<Vec<OutletRow>> {
        self.rows(
            r#"SELECT source, COUNT(*), MAX(published COLLATE "C") FROM articles
               WHERE source IS NOT NULL
               GROUP BY source ORDER BY COUNT(*) DESC, source COLLATE "C" LIMIT $1"#,
            &[&big(limit)],
            "list outlets",
            |r| {
                Ok(OutletRow {
                    name: r.get(0),
                    articles: r.get(1),
                    last_published: r.get(2),
                })
            },
        )
    }

    fn add_user(
        &mut self,
        name: &str,
        role: Role,
        password_hash: &str,
        now: i64,
    ) -> Result<Option<i64>> {
        // The unique index on lower(name) decides, whoever adds the same name at once.
        self.row(
            "INSERT INTO users (name, role, password_hash, created_at, password_changed_at)
             VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT ((lower(name))) DO NOTHING
             RETURNING id",
            &[&text(name), &role.as_str(), &text(password_hash), &now],
            "add a user",
            |r| Ok(r.get(0)),
        )
    }

    fn users(&self) -> Result<Vec<UserRow>> {
        self.rows(
            &format!(r#"SELECT {USER_COLUMNS} FROM users ORDER BY lower(name) COLLATE "C", id"#),
            &[],
            "list users",
            user_from_row,
        )
    }

    fn credentials(&self, name: &str) -> Result<Option<Credentials>> {
        let Some(name) = key(name) else {
            return Ok(None);
        };
        self.row(
            &format!(
                "SELECT {USER_COLUMNS}, password_hash FROM users WHERE lower(name) = lower($1)"
            ),
            &[&name],
            "look up a user",
            |r| {
                Ok(Credentials {
                    user: user_from_row(r)?,
                    password_hash: r.get(6),
                })
            },
        )
    }

    fn set_password(&mut self, name: &str, password_hash: &str, now: i64) -> Result<bool> {
        let Some(name) = key(name) else {
            return Ok(false);
        };
        self.run(async {
            in_transaction!(self, "change a password", |tx| {
                // Two statements: the second's snapshot, taken after the first waited for a
                // login in progress on this user, also sees that login's new session.
                let users: Vec<i64> = tx
                    .query(
                        "UPDATE users SET password_hash = $2, password_changed_at = $3
                         WHERE lower(name) = lower($1) RETURNING id",
                        &[&name, &text(password_hash), &now],
                    )
                    .await
                    .map_err(backend("change a password"))?
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                tx.execute("DELETE FROM sessions WHERE user_id = ANY($1)", &[&users])
                    .await
                    .map_err(backend("end the sessions of a user"))?;
                Ok(!users.is_empty())
            })
        })
    }

    fn set_role(&mut self, id: i64, role: Role) -> Result<UserChange> {
        self.run(self.change_user(id, None, Some(role)))
    }

    fn set_disabled(&mut self, id: i64, disabled: bool) -> Result<UserChange> {
        self.run(self.change_user(id, Some(disabled), None))
    }

    fn create_session(
        &mut self,
        id_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        self.run(async {
            in_transaction!(self, "open a session", |tx| {
                // The user's row first: a password change or a disabling in progress ends
                // this session too, once it commits.
                tx.execute(
                    "UPDATE users SET last_login_at = $2 WHERE id = $1",
                    &[&user_id, &now],
                )
                .await
                .map_err(backend("record a login"))?;
                tx.execute(
                    "INSERT INTO sessions (id_hash, user_id, created_at, expires_at)
                     VALUES ($1, $2, $3, $4)",
                    &[&text(id_hash), &user_id, &now, &expires_at],
                )
                .await
                .map_err(backend("open a session"))?;
                tx.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&now])
                    .await
                    .map_err(backend("clear expired sessions"))?;
                Ok(())
            })
        })
    }

    fn session_user(&self, id_hash: &str, now: i64) -> Result<Option<SessionUser>> {
        let Some(id_hash) = key(id_hash) else {
            return Ok(None);
        };
        self.row(
            "SELECT u.id, u.name, u.role, s.expires_at FROM sessions s
             JOIN users u ON u.id = s.user_id
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND NOT u.disabled",
            &[&id_hash, &now],
            "look up a session",
            |r| {
                Ok(SessionUser {
                    user_id: r.get(0),
                    name: r.get(1),
                    role: role_of(r, 2)?,
                    expires_at: r.get(3),
                })
            },
        )
    }

    fn end_session(&mut self, id_hash: &str) -> Result<bool> {
        let Some(id_hash) = key(id_hash) else {
            return Ok(false);
        };
        let n = self.execute(
            "DELETE FROM sessions WHERE id_hash = $1",
            &[&id_hash],
            "end a session",
        )?;
        Ok(n > 0)
    }

    fn add_token(
        &mut self,
        name: &str,
        role: Role,
        token_hash: &str,
        now: i64,
        expires_at: Option<i64>,
    ) -> Result<Option<i64>> {
        let (name, token_hash) = (text(name), text(token_hash));
        self.run(async {
            in_transaction!(self, "add a token", |tx| {
                // An expired token of that name is retired first: its name is free again.
                tx.execute(
                    "UPDATE api_tokens SET revoked_at = $2
                     WHERE name = $1 AND revoked_at IS NULL AND expires_at <= $2",
                    &[&name, &now],
                )
                .await
                .map_err(backend("retire an expired token"))?;
                // The unique index on live names decides, whoever adds the same name at once.
                let row = tx
                    .query_opt(
                        "INSERT INTO api_tokens (name, role, token_hash, created_at, expires_at)
                         VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (name) WHERE revoked_at IS NULL DO NOTHING
                         RETURNING id",
                        &[&name, &role.as_str(), &token_hash, &now, &expires_at],
                    )
                    .await
                    .map_err(backend("add a token"))?;
                Ok(row.map(|r| r.get(0)))
            })
        })
    }

    fn touch_token(&mut self, id: i64, now: i64) -> Result<()> {
        self.execute(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
            &[&id, &now],
            "record a token's use",
        )
        .map(drop)
    }

    fn token(&self, token_hash: &str) -> Result<Option<TokenRow>> {
        let Some(token_hash) = key(token_hash) else {
            return Ok(None);
        };
        self.row(
            &format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens
                 WHERE token_hash = $1 AND revoked_at IS NULL"
            ),
            &[&token_hash],
            "look up a token",
            token_from_row,
        )
    }

    fn tokens(&self) -> Result<Vec<TokenRow>> {
        self.rows(
            &format!(
                r#"SELECT {TOKEN_COLUMNS} FROM api_tokens
                   ORDER BY revoked_at IS NOT NULL, name COLLATE "C", id"#
            ),
            &[],
            "list tokens",
            token_from_row,
        )
    }

    fn revoke_token(&mut self, name: &str, now: i64) -> Result<bool> {
        let Some(name) = key(name) else {
            return Ok(false);
        };
        let n = self.execute(
            "UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
            &[&name, &now],
            "revoke a token",
        )?;
        Ok(n > 0)
    }

    fn add_subscription(&mut self, s: &NewSubscription) -> Result<Subscription> {
        fn opt(v: &Option<String>) -> Option<Cow<'_, str>> {
            v.as_deref().map(text)
        }
        self.one(
            &format!(
                r#"INSERT INTO subscriptions ("user", language, diseases, place_code,
                       min_severity, trigger, channel, email, digest, webhook_url,
                       webhook_secret, webhook_format, feed_token, created_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                   RETURNING {SUBSCRIPTION_COLUMNS}"#
            ),
            &[
                &text(&s.user),
                &text(&s.language),
                &text(&s.diseases.join(",")),
                &opt(&s.place_code),
                &text(&s.min_severity),
                &text(&s.trigger),
                &text(&s.channel),
                &opt(&s.email),
                &opt(&s.digest),
                &opt(&s.webhook_url),
                &opt(&s.webhook_secret),
                &opt(&s.webhook_format),
                &opt(&s.feed_token),
                &waspada_store::now_ms(),
            ],
            "record a subscription",
            subscription_from_row,
        )
    }

    fn subscriptions(&self, user: Option<&str>) -> Result<Vec<Subscription>> {
        self.rows(
            &format!(
                r#"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions
                   WHERE deleted_at IS NULL AND ($1::TEXT IS NULL OR "user" = $1::TEXT)
                   ORDER BY id"#
            ),
            &[&user.map(text)],
            "list subscriptions",
            |r| Ok(subscription_from_row(r)),
        )
    }

    fn subscription_by_feed_token(&self, token: &str) -> Result<Option<Subscription>> {
        let Some(token) = key(token) else {
            return Ok(None);
        };
        self.row(
            &format!(
                "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions
                 WHERE feed_token = $1 AND channel = 'atom' AND deleted_at IS NULL"
            ),
            &[&token],
            "find a feed",
            |r| Ok(subscription_from_row(r)),
        )
    }

    fn delete_subscription(&mut self, id: i64, user: Option<&str>) -> Result<bool> {
        let user: Option<Cow<'_, str>> = user.map(text);
        self.run(async {
            in_transaction!(self, "delete a subscription", |tx| {
                let deleted = tx
                    .execute(
                        r#"UPDATE subscriptions SET deleted_at = $3
                           WHERE id = $1 AND deleted_at IS NULL
                             AND ($2::TEXT IS NULL OR "user" = $2::TEXT)"#,
                        &[&id, &user, &waspada_store::now_ms()],
                    )
                    .await
                    .map_err(backend("delete a subscription"))?;
                // Only the alerts of a subscription deleted now: a refused delete (another
                // user's subscription) leaves them as they were.
                if deleted > 0 {
                    tx.execute(
                        "UPDATE alerts SET status = 'cancelled', next_attempt_at = NULL
                         WHERE subscription_id = $1 AND status = 'pending'",
                        &[&id],
                    )
                    .await
                    .map_err(backend("cancel the alerts of a deleted subscription"))?;
                }
                Ok(deleted > 0)
            })
        })
    }

    fn alerts(&self, f: &AlertFilter) -> Result<Vec<AlertRow>> {
        let (clause, mut args) = alert_where(f);
        // 0: no limit, as the SQLite store reads it.
        let limit = if f.limit == 0 { i64::MAX } else { big(f.limit) };
        let offset = big(f.offset);
        args.push(&limit);
        args.push(&offset);
        let n = args.len();
        self.rows(
            &format!(
                "SELECT {ALERT_COLUMNS} FROM alerts{clause}
                 ORDER BY created_at DESC, id DESC LIMIT ${} OFFSET ${n}",
                n - 1
            ),
            &args,
            "list alerts",
            |r| Ok(alert_from_row(r)),
        )
    }

    fn count_alerts(&self, f: &AlertFilter) -> Result<usize> {
        let (clause, args) = alert_where(f);
        let n: i64 = self.one(
            &format!("SELECT COUNT(*) FROM alerts{clause}"),
            &args,
            "count alerts",
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use deadpool_postgres::{Manager, ManagerConfig, Pool};
    use tokio::runtime::Handle;
    use tokio_postgres::NoTls;
    use waspada_store::{StoreOptions, Workplace};

    use super::{PgWorkplace, TRENDS_SQL};
    use crate::PgRecords;
    use crate::testing::TempPostgres;

    /// Called from inside an async task on a current-thread runtime, a method panics at
    /// once, saying what to do (it would otherwise stall the thread the connections
    /// need): the mistake shows in the first test that makes it. No server is needed, the
    /// pool connects only when asked for a connection.
    #[tokio::test]
    #[should_panic(expected = "call it from tokio::task::spawn_blocking")]
    async fn calling_it_inside_a_current_thread_task_panics() {
        let config: tokio_postgres::Config = "host=127.0.0.1 dbname=nowhere".parse().unwrap();
        let manager = Manager::from_config(config, NoTls, ManagerConfig::default());
        let pool = Pool::builder(manager).build().unwrap();
        let work = PgWorkplace::with_pool(pool, Handle::current());
        let _ = work.users();
    }

    /// Inside an async task on a multi-thread runtime (as the alert dispatcher calls it),
    /// a method answers: it blocks in place instead of panicking or deadlocking. One
    /// worker thread: the connection must be driven while that very worker blocks.
    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn calling_it_inside_a_multi_thread_task_works() {
        let Some(pg) = TempPostgres::for_test() else {
            return;
        };
        let mut work = PgWorkplace::connect(pg.url()).await.expect("connect");
        assert!(work.users().expect("list users").is_empty());
        let added = work
            .add_user("ana", waspada_store::Role::Admin, "$h", 1)
            .expect("add a user");
        assert!(added.is_some());
        // And again after an await point, from whichever worker resumes the task.
        tokio::task::yield_now().await;
        let names: Vec<String> = work
            .users()
            .expect("list users")
            .into_iter()
            .map(|u| u.name)
            .collect();
        assert_eq!(names, ["ana"]);
    }

    /// The signals page reads every row's trend in one statement: it must look both tables
    /// up by their keys (the window a range of the series key), never read them whole.
    /// Sequential scans are priced out, as on a large store, since this one is empty.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_trends_query_walks_the_series_primary_key() {
        let Some(pg) = TempPostgres::for_test() else {
            return;
        };
        let records = PgRecords::connect(pg.url(), StoreOptions::default())
            .await
            .expect("connect");
        let client = records.client().await.expect("a connection");
        client
            .batch_execute("SET enable_seqscan = off")
            .await
            .expect("price out sequential scans");
        let plan: Vec<String> = client
            .query(
                &format!("EXPLAIN {TRENDS_SQL}"),
                &[&vec![1i64, 2], &77i32, &29i32],
            )
            .await
            .expect("explain")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let plan = plan.join("\n");
        assert!(plan.contains("signals_pkey"), "{plan}");
        assert!(plan.contains("series_counts_pkey"), "{plan}");
        assert!(
            plan.contains("period_start >=") && plan.contains("period_start <="),
            "the window is a range of the key: {plan}"
        );
        assert!(!plan.contains("Seq Scan"), "{plan}");
    }
}
