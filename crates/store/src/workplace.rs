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

    /// Adds an API token; `None` when a live token already has that name.
    fn add_token(
        &mut self,
        name: &str,
        role: Role,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<i64>>;

    /// The live token with this hash.
    fn token(&self, token_hash: &str) -> Result<Option<TokenRow>>;

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
