//! The analysts' workplace as an interface: everything `waspada serve` reads and writes.
//!
//! [`Records`](crate::Records) is what the pipeline's stages need; this is what the
//! dashboard and the JSON API need: signals with their triage, events and their reports,
//! articles, series, sources, accounts (users, sessions, API tokens) and alert
//! subscriptions. Two implementations keep the same behaviour, which one conformance suite
//! checks on both: [`Store`] (the embedded SQLite file) and `waspada-store-pg`'s
//! `PgWorkplace` (PostgreSQL shared by any number of `waspada serve` processes).
//!
//! Why synchronous: a request handler composes several calls in one unit of work (the
//! login reads the credentials, checks the password and opens a session), on one of
//! Tokio's blocking threads. SQLite is synchronous anyway; the PostgreSQL implementation
//! drives its asynchronous client from that blocking thread.

use serde::Serialize;

use crate::{
    AlertFilter, AlertRow, ArticleBrief, ArticleRecord, Credentials, EventFilter, EventRow,
    FetchState, NewSubscription, NewTriage, ReportRow, Result, Role, SessionUser, SignalRow,
    SourceRow, Subscription, TokenRow, TriageRow, UserChange, UserRow,
};

/// The order of a signal list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignalSort {
    /// Open signals first; within a period, a declared KLB, then deaths, then statistical
    /// aberrations, and a disease merely new to an area last; then by excess.
    #[default]
    Rank,
    /// Latest period first.
    Recent,
    /// Highest method statistic first (signals without one last).
    Score,
    /// Largest excess over the expected count first.
    Excess,
    /// Largest observed count first.
    Observed,
}

/// Which signals to list. Every filter is optional; dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, Default)]
pub struct SignalQuery {
    /// Only this disease id.
    pub disease: Option<String>,
    /// Only signals on this area or inside it (`32` matches `32.05`), or linked to an event
    /// in this country (`IDN`).
    pub area: Option<String>,
    /// Only this triage status.
    pub status: Option<String>,
    /// Only periods starting on or after this date.
    pub since: Option<String>,
    /// Only periods starting on or before this date.
    pub until: Option<String>,
    /// Only this method.
    pub method: Option<String>,
    /// Order.
    pub sort: SignalSort,
    /// At most this many.
    pub limit: usize,
    /// Skip this many first.
    pub offset: usize,
}

/// A signal as lists show it: the stored signal, when it was raised and how many stories
/// stand behind it.
#[derive(Debug, Clone, Serialize)]
pub struct SignalSummary {
    /// The signal (its `event_ids` sorted).
    #[serde(flatten)]
    pub signal: SignalRow,
    /// When detection raised it (epoch ms).
    pub detected_at: i64,
    /// Distinct stories in the events behind it.
    pub n_stories: i64,
}

/// One stored period of a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendPoint {
    /// The signal whose window holds it.
    pub signal_id: i64,
    /// First day of the period.
    pub period_start: String,
    /// Stories counted in it.
    pub reports: u32,
}

/// An outlet named by stored articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutletRow {
    /// Outlet name as the articles give it.
    pub name: String,
    /// Articles stored.
    pub articles: i64,
    /// Latest publication date.
    pub last_published: Option<String>,
}

/// Everything the analysts' workplace reads and writes. See the [module](self) docs.
pub trait Workplace: Send {
    // ------------------------------------------------------------------ signals

    /// Signals matching `q`: the number over all pages, and one page.
    fn signal_list(&self, q: &SignalQuery) -> Result<(u64, Vec<SignalSummary>)>;

    /// One signal.
    fn signal_summary(&self, id: i64) -> Result<Option<SignalSummary>>;

    /// A signal with its detection time (for CAP messages and feeds).
    fn signal_with_time(&self, id: i64) -> Result<Option<(SignalRow, i64)>>;

    /// The ids of the signals raised on an event, ascending.
    fn event_signal_ids(&self, event_id: i64) -> Result<Vec<i64>>;

    /// The stored series points inside each signal's trend window: for a weekly signal
    /// the `weekly_reach_days` days before its period up to its period, for a daily one
    /// `daily_reach_days`. Signals not found give nothing.
    fn signal_trends(
        &self,
        signal_ids: &[i64],
        weekly_reach_days: i64,
        daily_reach_days: i64,
    ) -> Result<Vec<TrendPoint>>;

    /// Records a triage action and, when it changes the status, the signal's new status.
    /// Returns the new status, or `None` when the signal does not exist.
    fn triage(&mut self, t: &NewTriage<'_>) -> Result<Option<String>>;

    /// What analysts did with a signal, oldest first.
    fn triage_history(&self, signal_id: i64) -> Result<Vec<TriageRow>>;

    /// When the signal was escalated (epoch ms of each escalation), oldest first.
    fn escalations(&self, signal_id: i64) -> Result<Vec<i64>>;

    // ------------------------------------------------------------------ events

    /// Events matching a filter, latest first.
    fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>>;

    /// How many events match a filter (ignoring its limit and offset).
    fn count_events(&self, filter: &EventFilter) -> Result<u64>;

    /// One event.
    fn event(&self, id: i64) -> Result<Option<EventRow>>;

    /// A value that changes whenever any event changes (a cache key for the map).
    fn events_version(&self) -> Result<String>;

    /// The reports of one event with their articles, oldest first.
    fn event_reports(&self, event_id: i64) -> Result<Vec<ReportRow>>;

    /// The newest `limit` reports of one event, oldest first.
    fn latest_event_reports(&self, event_id: i64, limit: usize) -> Result<Vec<ReportRow>>;

    // ------------------------------------------------------------------ articles

    /// An article with its latest analysis.
    fn article(&self, id: i64) -> Result<Option<ArticleRecord>>;

    /// What a search hit shows of an article.
    fn article_brief(&self, id: i64) -> Result<Option<ArticleBrief>>;

    /// Every URL an article was seen under.
    fn article_urls(&self, id: i64) -> Result<Vec<String>>;

    /// The events an article's reports belong to, ascending.
    fn article_event_ids(&self, id: i64) -> Result<Vec<i64>>;

    // ------------------------------------------------------------------ series

    /// One sparse series: `(period_start, reports)`, oldest first.
    fn series_points(
        &self,
        disease_id: &str,
        area_level: &str,
        area_code: &str,
        frequency: &str,
    ) -> Result<Vec<(String, u32)>>;

    /// The latest report date (`YYYY-MM-DD`), when there is one.
    fn latest_report_date(&self) -> Result<Option<String>>;

    // ------------------------------------------------------------------ sources

    /// Configured sources.
    fn sources(&self) -> Result<Vec<SourceRow>>;

    /// The fetch state of each URL of a source, by URL.
    fn source_fetch_states(&self, source_id: i64) -> Result<Vec<FetchState>>;

    /// A source's stored articles: all, and those fetched at or after `since_ms`.
    fn source_article_counts(&self, source_id: i64, since_ms: i64) -> Result<(i64, i64)>;

    /// Outlets by article count, most first, at most `limit`.
    fn outlets(&self, limit: usize) -> Result<Vec<OutletRow>>;

    // ------------------------------------------------------------------ accounts

    /// Adds a user; `None` when the name is taken (case-insensitively).
    fn add_user(
        &mut self,
        name: &str,
        role: Role,
        password_hash: &str,
        now: i64,
    ) -> Result<Option<i64>>;

    /// Every user, by name.
    fn users(&self) -> Result<Vec<UserRow>>;

    /// A user's password hash and lock state, for the login.
    fn credentials(&self, name: &str) -> Result<Option<Credentials>>;

    /// Sets a password and ends the user's sessions. `false` when there is no such user.
    fn set_password(&mut self, name: &str, password_hash: &str, now: i64) -> Result<bool>;

    /// Changes a role; never leaves the store without an active admin.
    fn set_role(&mut self, id: i64, role: Role) -> Result<UserChange>;

    /// Disables (ending the sessions) or enables a user; never the last active admin.
    fn set_disabled(&mut self, id: i64, disabled: bool) -> Result<UserChange>;

    /// Opens a session and records the login.
    fn create_session(
        &mut self,
        id_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<()>;

    /// The enabled user of a live session.
    fn session_user(&self, id_hash: &str, now: i64) -> Result<Option<SessionUser>>;

    /// Ends a session; `false` when there was none.
    fn end_session(&mut self, id_hash: &str) -> Result<bool>;

    /// Adds an API token working until `expires_at` (`None`: until revoked); `None` when
    /// a live, unexpired token already has that name (an expired one is revoked first).
    fn add_token(
        &mut self,
        name: &str,
        role: Role,
        token_hash: &str,
        now: i64,
        expires_at: Option<i64>,
    ) -> Result<Option<i64>>;

    /// The live (unrevoked) token with this hash, expired or not: the caller tells the
    /// user which.
    fn token(&self, token_hash: &str) -> Result<Option<TokenRow>>;

    /// Records when token `id` was last used.
    fn touch_token(&mut self, id: i64, now: i64) -> Result<()>;

    /// Every token, live ones first.
    fn tokens(&self) -> Result<Vec<TokenRow>>;

    /// Revokes the live token of this name; `false` when there is none.
    fn revoke_token(&mut self, name: &str, now: i64) -> Result<bool>;

    // ------------------------------------------------------------------ alerts

    /// Adds a subscription.
    fn add_subscription(&mut self, s: &NewSubscription) -> Result<Subscription>;

    /// The live subscriptions, of one user or of everyone.
    fn subscriptions(&self, user: Option<&str>) -> Result<Vec<Subscription>>;

    /// The live subscription with this feed token.
    fn subscription_by_feed_token(&self, token: &str) -> Result<Option<Subscription>>;

    /// Deletes a subscription (of this user, when given); its pending alerts are
    /// cancelled. `false` when there was none.
    fn delete_subscription(&mut self, id: i64, user: Option<&str>) -> Result<bool>;

    /// Alerts matching a filter, newest first.
    fn alerts(&self, f: &AlertFilter) -> Result<Vec<AlertRow>>;

    /// How many alerts match a filter (ignoring its limit and offset).
    fn count_alerts(&self, f: &AlertFilter) -> Result<usize>;
}

// ---------------------------------------------------------------------- SQLite

use rusqlite::{OptionalExtension, params, params_from_iter};

use crate::fetch::{FETCH_STATE_COLUMNS, fetch_state_from_row};
use crate::signals::signal_from_row;
use crate::{Store, StoreError};

/// The columns of a [`SignalSummary`]: the 13 of [`signal_from_row`], then the detection
/// time, the stories behind it and its events (comma-separated).
const SUMMARY_SELECT: &str = "SELECT s.id, s.disease_id, s.area_level, s.area_code, s.frequency,
        s.period_start, s.method, s.observed, s.expected, s.upperbound, s.score, s.explanation,
        s.status, s.detected_at,
        (SELECT COALESCE(SUM(e.n_stories), 0) FROM signal_events se
             JOIN events e ON e.id = se.event_id WHERE se.signal_id = s.id),
        (SELECT group_concat(se.event_id) FROM signal_events se WHERE se.signal_id = s.id)
     FROM signals s";

fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SignalSummary> {
    let mut signal = signal_from_row(r)?;
    let links: Option<String> = r.get(15)?;
    signal.event_ids = links
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| s.parse().ok())
        .collect();
    signal.event_ids.sort_unstable();
    Ok(SignalSummary {
        signal,
        detected_at: r.get(13)?,
        n_stories: r.get(14)?,
    })
}

/// The `ORDER BY` of a signal list (the table aliased `s`), the same SQL on SQLite and
/// PostgreSQL (`NULLS LAST` is valid in both).
pub fn signal_order(sort: SignalSort) -> &'static str {
    match sort {
        // Open first; within a period a declared KLB, then deaths, then statistical
        // aberrations, and a disease merely new to an area last.
        SignalSort::Rank => {
            "CASE s.status WHEN 'new' THEN 0 WHEN 'escalated' THEN 1 WHEN 'verified' THEN 2 ELSE 3 END,
             s.period_start DESC,
             CASE s.method WHEN 'rule-klb-declared' THEN 0 WHEN 'rule-deaths' THEN 1
                           WHEN 'rule-new-area' THEN 3 ELSE 2 END,
             s.observed - COALESCE(s.expected, 0) DESC, s.id"
        }
        SignalSort::Recent => "s.period_start DESC, s.id DESC",
        SignalSort::Score => "s.score DESC NULLS LAST, s.id",
        SignalSort::Excess => "s.observed - COALESCE(s.expected, 0) DESC, s.id",
        SignalSort::Observed => "s.observed DESC, s.id",
    }
}

/// The trend points of a page of signals in ONE statement, through the primary key of
/// `series_counts`; `?1` the signal ids as a JSON array (so the statement is the same for
/// every page and prepared once), `?2` and `?3` how far back weekly and daily windows reach
/// (`-77 days`).
const TRENDS_SQL: &str = "SELECT s.id, c.period_start, c.reports
     FROM signals s JOIN series_counts c
       ON c.disease_id = s.disease_id AND c.area_level = s.area_level
      AND c.area_code = s.area_code AND c.frequency = s.frequency
      AND c.period_start BETWEEN date(s.period_start, CASE s.frequency WHEN 'weekly' THEN ?2 ELSE ?3 END)
                             AND s.period_start
     WHERE s.id IN (SELECT value FROM json_each(?1))";

/// Every row of a cached statement, mapped: the shape of most reads here.
fn rows<T>(
    store: &Store,
    sql: &str,
    params: impl rusqlite::Params,
    action: &'static str,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = store
        .connection()
        .prepare_cached(sql)
        .map_err(StoreError::sql(action))?;
    stmt.query_map(params, map)
        .and_then(|rows| rows.collect())
        .map_err(StoreError::sql(action))
}

fn ids(store: &Store, sql: &str, id: i64, action: &'static str) -> Result<Vec<i64>> {
    rows(store, sql, [id], action, |r| r.get(0))
}

impl Workplace for Store {
    fn signal_list(&self, q: &SignalQuery) -> Result<(u64, Vec<SignalSummary>)> {
        // Each filter given adds a clause; its placeholder number is the argument's position
        // (a clause may use it several times).
        let filters: [(&str, &Option<String>); 6] = [
            ("s.disease_id = ?N", &q.disease),
            (
                "(s.area_code = ?N OR substr(s.area_code, 1, length(?N) + 1) = ?N || '.'
                  OR EXISTS (SELECT 1 FROM signal_events se JOIN events e ON e.id = se.event_id
                             WHERE se.signal_id = s.id AND e.country = ?N))",
                &q.area,
            ),
            ("s.status = ?N", &q.status),
            ("s.period_start >= ?N", &q.since),
            ("s.period_start <= ?N", &q.until),
            ("s.method = ?N", &q.method),
        ];
        let mut clauses = Vec::new();
        let mut args: Vec<&str> = Vec::new();
        for (clause, value) in filters {
            if let Some(value) = value {
                args.push(value);
                clauses.push(clause.replace("?N", &format!("?{}", args.len())));
            }
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let conn = self.connection();
        let total: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM signals s{filter}"),
                params_from_iter(&args),
                |r| r.get(0),
            )
            .map_err(StoreError::sql("count signals"))?;
        let sql = format!(
            "{SUMMARY_SELECT}{filter} ORDER BY {} LIMIT {} OFFSET {}",
            signal_order(q.sort),
            q.limit,
            q.offset
        );
        let mut stmt = conn
            .prepare(&sql)
            .map_err(StoreError::sql("prepare listing signals"))?;
        let items = stmt
            .query_map(params_from_iter(&args), summary_from_row)
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sql("list signals"))?;
        Ok((total as u64, items))
    }

    fn signal_summary(&self, id: i64) -> Result<Option<SignalSummary>> {
        self.connection()
            .query_row(
                &format!("{SUMMARY_SELECT} WHERE s.id = ?1"),
                [id],
                summary_from_row,
            )
            .optional()
            .map_err(StoreError::sql("read a signal"))
    }

    fn signal_with_time(&self, id: i64) -> Result<Option<(SignalRow, i64)>> {
        Store::signal_with_time(self, id)
    }

    fn event_signal_ids(&self, event_id: i64) -> Result<Vec<i64>> {
        ids(
            self,
            "SELECT signal_id FROM signal_events WHERE event_id = ?1 ORDER BY signal_id",
            event_id,
            "read an event's signals",
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
        let list = format!(
            "[{}]",
            signal_ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        );
        let reach = |days: i64| format!("-{} days", days.max(0));
        rows(
            self,
            TRENDS_SQL,
            params![list, reach(weekly_reach_days), reach(daily_reach_days)],
            "read the signals' trends",
            |r| {
                Ok(TrendPoint {
                    signal_id: r.get(0)?,
                    period_start: r.get(1)?,
                    reports: r.get(2)?,
                })
            },
        )
    }

    fn triage(&mut self, t: &NewTriage<'_>) -> Result<Option<String>> {
        Store::triage(self, t)
    }

    fn triage_history(&self, signal_id: i64) -> Result<Vec<TriageRow>> {
        Store::triage_history(self, signal_id)
    }

    fn escalations(&self, signal_id: i64) -> Result<Vec<i64>> {
        Store::escalations(self, signal_id)
    }

    fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>> {
        Store::events(self, filter)
    }

    fn count_events(&self, filter: &EventFilter) -> Result<u64> {
        Store::count_events(self, filter)
    }

    fn event(&self, id: i64) -> Result<Option<EventRow>> {
        Store::event(self, id)
    }

    fn events_version(&self) -> Result<String> {
        Store::events_version(self)
    }

    fn event_reports(&self, event_id: i64) -> Result<Vec<ReportRow>> {
        Store::event_reports(self, event_id)
    }

    fn latest_event_reports(&self, event_id: i64, limit: usize) -> Result<Vec<ReportRow>> {
        Store::latest_event_reports(self, event_id, limit)
    }

    fn article(&self, id: i64) -> Result<Option<ArticleRecord>> {
        Store::article(self, id)
    }

    fn article_brief(&self, id: i64) -> Result<Option<ArticleBrief>> {
        Store::article_brief(self, id)
    }

    fn article_urls(&self, id: i64) -> Result<Vec<String>> {
        Store::article_urls(self, id)
    }

    fn article_event_ids(&self, id: i64) -> Result<Vec<i64>> {
        ids(
            self,
            "SELECT DISTINCT event_id FROM reports WHERE article_id = ?1 ORDER BY event_id",
            id,
            "read an article's events",
        )
    }

    fn series_points(
        &self,
        disease_id: &str,
        area_level: &str,
        area_code: &str,
        frequency: &str,
    ) -> Result<Vec<(String, u32)>> {
        rows(
            self,
            "SELECT period_start, reports FROM series_counts
             WHERE disease_id = ?1 AND area_level = ?2 AND area_code = ?3 AND frequency = ?4
             ORDER BY period_start",
            [disease_id, area_level, area_code, frequency],
            "read a series",
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    fn latest_report_date(&self) -> Result<Option<String>> {
        Store::latest_report_date(self)
    }

    fn sources(&self) -> Result<Vec<SourceRow>> {
        Store::sources(self)
    }

    fn source_fetch_states(&self, source_id: i64) -> Result<Vec<FetchState>> {
        rows(
            self,
            &format!(
                "SELECT {FETCH_STATE_COLUMNS} FROM fetch_state WHERE source_id = ?1 ORDER BY url"
            ),
            [source_id],
            "read fetch state",
            fetch_state_from_row,
        )
    }

    fn source_article_counts(&self, source_id: i64, since_ms: i64) -> Result<(i64, i64)> {
        self.connection()
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(fetched_at >= ?2), 0) FROM articles
                 WHERE source_id = ?1",
                [source_id, since_ms],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(StoreError::sql("count a source's articles"))
    }

    fn outlets(&self, limit: usize) -> Result<Vec<OutletRow>> {
        rows(
            self,
            "SELECT source, COUNT(*), MAX(published) FROM articles WHERE source IS NOT NULL
             GROUP BY source ORDER BY COUNT(*) DESC, source LIMIT ?1",
            [limit as i64],
            "list outlets",
            |r| {
                Ok(OutletRow {
                    name: r.get(0)?,
                    articles: r.get(1)?,
                    last_published: r.get(2)?,
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
        Store::add_user(self, name, role, password_hash, now)
    }

    fn users(&self) -> Result<Vec<UserRow>> {
        Store::users(self)
    }

    fn credentials(&self, name: &str) -> Result<Option<Credentials>> {
        Store::credentials(self, name)
    }

    fn set_password(&mut self, name: &str, password_hash: &str, now: i64) -> Result<bool> {
        Store::set_password(self, name, password_hash, now)
    }

    fn set_role(&mut self, id: i64, role: Role) -> Result<UserChange> {
        Store::set_role(self, id, role)
    }

    fn set_disabled(&mut self, id: i64, disabled: bool) -> Result<UserChange> {
        Store::set_disabled(self, id, disabled)
    }

    fn create_session(
        &mut self,
        id_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        Store::create_session(self, id_hash, user_id, now, expires_at)
    }

    fn session_user(&self, id_hash: &str, now: i64) -> Result<Option<SessionUser>> {
        Store::session_user(self, id_hash, now)
    }

    fn end_session(&mut self, id_hash: &str) -> Result<bool> {
        Store::end_session(self, id_hash)
    }

    fn add_token(
        &mut self,
        name: &str,
        role: Role,
        token_hash: &str,
        now: i64,
        expires_at: Option<i64>,
    ) -> Result<Option<i64>> {
        Store::add_token(self, name, role, token_hash, now, expires_at)
    }

    fn touch_token(&mut self, id: i64, now: i64) -> Result<()> {
        Store::touch_token(self, id, now)
    }

    fn token(&self, token_hash: &str) -> Result<Option<TokenRow>> {
        Store::token(self, token_hash)
    }

    fn tokens(&self) -> Result<Vec<TokenRow>> {
        Store::tokens(self)
    }

    fn revoke_token(&mut self, name: &str, now: i64) -> Result<bool> {
        Store::revoke_token(self, name, now)
    }

    fn add_subscription(&mut self, s: &NewSubscription) -> Result<Subscription> {
        Store::add_subscription(self, s)
    }

    fn subscriptions(&self, user: Option<&str>) -> Result<Vec<Subscription>> {
        Store::subscriptions(self, user)
    }

    fn subscription_by_feed_token(&self, token: &str) -> Result<Option<Subscription>> {
        Store::subscription_by_feed_token(self, token)
    }

    fn delete_subscription(&mut self, id: i64, user: Option<&str>) -> Result<bool> {
        Store::delete_subscription(self, id, user)
    }

    fn alerts(&self, f: &AlertFilter) -> Result<Vec<AlertRow>> {
        Store::alerts(self, f)
    }

    fn count_alerts(&self, f: &AlertFilter) -> Result<usize> {
        Store::count_alerts(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trends_query_walks_the_series_primary_key() {
        let store = Store::in_memory().unwrap();
        let plan: Vec<String> = store
            .connection()
            .prepare(&format!("EXPLAIN QUERY PLAN {TRENDS_SQL}"))
            .unwrap()
            .query_map(params!["[1, 2]", "-77 days", "-29 days"], |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(
            plan.contains("SEARCH s USING INTEGER PRIMARY KEY"),
            "{plan}"
        );
        assert!(
            plan.contains("SEARCH c USING PRIMARY KEY (disease_id=? AND area_level=? AND area_code=? AND frequency=? AND period_start>? AND period_start<?)"),
            "{plan}"
        );
        assert!(
            !plan.contains("SCAN c") && !plan.contains("SCAN s"),
            "{plan}"
        );
    }
}
