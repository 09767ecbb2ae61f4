//! Read queries shared by the JSON API, the exports and the pages: request parameters,
//! their validation, and the views returned.
//!
//! The SQL lives behind [`Workplace`] (the embedded store or PostgreSQL); here are the
//! parameters' rules and the views' shapes, the same whichever store answers.

use std::collections::BTreeSet;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use waspada_kb::KnowledgeBase;
use waspada_search::{FacetCount, Query, SearchIndex, Snippet};
use waspada_store::{
    EventFilter, EventRow, ReportRow, SignalQuery, SignalSort, SignalSummary, SourceRow, TriageRow,
    Workplace,
};

use crate::ApiError;
use crate::i18n::Lang;

/// Default page size of lists.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest page size of lists (exports have their own cap).
pub const MAX_LIMIT: usize = 1000;
/// Most rows an export returns.
pub const MAX_EXPORT_ROWS: usize = 100_000;
/// Most points a series returns (the latest ones).
pub const MAX_SERIES_POINTS: usize = 3000;

fn kb() -> &'static KnowledgeBase {
    KnowledgeBase::embedded()
}

/// A non-blank, trimmed parameter.
fn given(p: &Option<String>) -> Option<&str> {
    p.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A `YYYY-MM-DD` parameter, checked.
fn date_param(name: &str, p: &Option<String>) -> Result<Option<String>, ApiError> {
    match given(p) {
        None => Ok(None),
        Some(s) => s.parse::<Date>().map(|d| Some(d.to_string())).map_err(|_| {
            ApiError::bad_request(format!("{name} must be a date like 2024-03-17, not {s:?}"))
        }),
    }
}

fn page(limit: Option<usize>, offset: Option<usize>) -> Result<(usize, usize), ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    Ok((limit, offset.unwrap_or(0)))
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// Items matching the filters, over all pages.
    pub total: usize,
    /// Page size asked.
    pub limit: usize,
    /// Items skipped.
    pub offset: usize,
    /// This page.
    pub items: Vec<T>,
}

// ---------------------------------------------------------------- signals

/// Filters, sort and paging of signals.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignalParams {
    /// Disease id.
    pub disease: Option<String>,
    /// Area code: the signal's area or one inside it (`32` matches `32.05`; `IDN` every
    /// Indonesian signal).
    pub area: Option<String>,
    /// `new`, `verified`, `dismissed` or `escalated`.
    pub status: Option<String>,
    /// Periods starting on or after this date.
    pub since: Option<String>,
    /// Periods starting on or before this date.
    pub until: Option<String>,
    /// Detection method.
    pub method: Option<String>,
    /// `rank` (default: unreviewed first, then latest, then KLB, deaths, aberrations and new
    /// areas in that order, then largest excess), `recent`,
    /// `score`, `excess` or `observed`.
    pub sort: Option<String>,
    /// Page size.
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

/// The triage statuses a signal can have.
pub const STATUSES: [&str; 4] = ["new", "verified", "dismissed", "escalated"];

/// A signal with what an analyst needs beside it.
#[derive(Debug, Clone, Serialize)]
pub struct SignalView {
    /// Id.
    pub id: i64,
    /// Disease id.
    pub disease_id: String,
    /// Disease name (English in the API; the page's language on pages).
    pub disease_name: String,
    /// `regency`, `province` or `country`.
    pub area_level: String,
    /// Area code.
    pub area_code: String,
    /// Area name.
    pub place_name: String,
    /// `weekly` or `daily`.
    pub frequency: String,
    /// First day of the period flagged.
    pub period_start: String,
    /// Method.
    pub method: String,
    /// Stories observed in the period.
    pub observed: u32,
    /// Stories expected.
    pub expected: Option<f64>,
    /// Threshold.
    pub upperbound: Option<f64>,
    /// Method statistic.
    pub score: Option<f64>,
    /// Why, in words.
    pub explanation: String,
    /// Triage status.
    pub status: String,
    /// When detection raised it (epoch ms).
    pub detected_at: i64,
    /// Distinct stories in the events behind it.
    pub n_stories: i64,
    /// Events behind it.
    pub event_ids: Vec<i64>,
}

fn signal_view(s: SignalSummary) -> SignalView {
    let SignalSummary {
        signal: r,
        detected_at,
        n_stories,
    } = s;
    SignalView {
        id: r.id,
        disease_id: r.disease_id,
        disease_name: String::new(),
        area_level: r.area_level,
        area_code: r.area_code,
        place_name: String::new(),
        frequency: r.frequency,
        period_start: r.period_start,
        method: r.method,
        observed: r.observed,
        expected: r.expected,
        upperbound: r.upperbound,
        score: r.score,
        explanation: r.explanation,
        status: r.status,
        detected_at,
        n_stories,
        event_ids: r.event_ids,
    }
}

fn name_signal(mut s: SignalView, lang: Lang) -> SignalView {
    s.disease_name = lang.disease(kb(), &s.disease_id);
    s.place_name = lang.area(kb(), &s.area_level, &s.area_code);
    s
}

/// Signals matching `p`, one page (or up to [`MAX_EXPORT_ROWS`] when `export`).
pub fn signals(
    store: &dyn Workplace,
    p: &SignalParams,
    lang: Lang,
    export: bool,
) -> Result<Page<SignalView>, ApiError> {
    let (limit, offset) = if export {
        (MAX_EXPORT_ROWS, 0)
    } else {
        page(p.limit, p.offset)?
    };
    if let Some(st) = given(&p.status)
        && !STATUSES.contains(&st)
    {
        return Err(ApiError::bad_request(format!(
            "status must be one of {}, not {st:?}",
            STATUSES.join(", ")
        )));
    }
    let sort = match given(&p.sort).unwrap_or("rank") {
        "rank" => SignalSort::Rank,
        "recent" => SignalSort::Recent,
        "score" => SignalSort::Score,
        "excess" => SignalSort::Excess,
        "observed" => SignalSort::Observed,
        other => {
            return Err(ApiError::bad_request(format!(
                "sort must be rank, recent, score, excess or observed, not {other:?}"
            )));
        }
    };
    let owned = |v: &Option<String>| given(v).map(str::to_string);
    let q = SignalQuery {
        disease: owned(&p.disease),
        area: owned(&p.area),
        status: owned(&p.status),
        since: date_param("since", &p.since)?,
        until: date_param("until", &p.until)?,
        method: owned(&p.method),
        sort,
        limit,
        offset,
    };
    let (total, rows) = store.signal_list(&q)?;
    Ok(Page {
        total: total as usize,
        limit,
        offset,
        items: rows
            .into_iter()
            .map(|s| name_signal(signal_view(s), lang))
            .collect(),
    })
}

/// One signal.
pub fn signal(store: &dyn Workplace, id: i64, lang: Lang) -> Result<Option<SignalView>, ApiError> {
    Ok(store
        .signal_summary(id)?
        .map(|s| name_signal(signal_view(s), lang)))
}

/// A signal with its events and triage history.
#[derive(Debug, Clone, Serialize)]
pub struct SignalDetail {
    /// The signal.
    #[serde(flatten)]
    pub signal: SignalView,
    /// The events behind it.
    pub events: Vec<EventView>,
    /// What analysts did with it, oldest first.
    pub history: Vec<TriageRow>,
}

/// One signal with its events and history.
pub fn signal_detail(
    store: &dyn Workplace,
    id: i64,
    lang: Lang,
) -> Result<Option<SignalDetail>, ApiError> {
    let Some(signal) = signal(store, id, lang)? else {
        return Ok(None);
    };
    let mut events = Vec::new();
    for eid in &signal.event_ids {
        if let Some(e) = store.event(*eid)? {
            events.push(EventView::new(e, lang));
        }
    }
    let history = store.triage_history(id)?;
    Ok(Some(SignalDetail {
        signal,
        events,
        history,
    }))
}

// ---------------------------------------------------------------- events

/// Filters and paging of events.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventParams {
    /// Disease id.
    pub disease: Option<String>,
    /// Place code: the event's area or one it lies in (country `IDN`, province `32`,
    /// regency `32.05`).
    pub place: Option<String>,
    /// Events with a report on or after this date.
    pub since: Option<String>,
    /// Events with a report on or before this date.
    pub until: Option<String>,
    /// Only events with (true) or without (false) a KLB declaration.
    pub klb: Option<bool>,
    /// Page size.
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

/// An event with display names and a severity.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    /// The stored event.
    #[serde(flatten)]
    pub event: EventRow,
    /// Disease name.
    pub disease_name: String,
    /// `high`, `medium` or `low`: see [`severity`].
    pub severity: &'static str,
}

impl EventView {
    /// Names and grades an event.
    pub fn new(event: EventRow, lang: Lang) -> EventView {
        EventView {
            disease_name: lang.disease(kb(), &event.disease_id),
            severity: severity(&event),
            event,
        }
    }
}

/// How serious an event looks from its figures, for colours and sorting: `high` when a
/// KLB was declared or deaths (human or animal) were reported; `medium` when some figure
/// reaches 10 or three distinct stories report it; `low` otherwise.
pub fn severity(e: &EventRow) -> &'static str {
    let deaths = e
        .figures
        .iter()
        .any(|f| (f.kind == "deaths" || f.kind == "animals_dead") && f.value > 0);
    if e.klb_declared || deaths {
        "high"
    } else if e.figures.iter().any(|f| f.value >= 10) || e.n_stories >= 3 {
        "medium"
    } else {
        "low"
    }
}

/// Events matching `p`, latest first: one page, or up to [`MAX_EXPORT_ROWS`] when `export`.
pub fn events(
    store: &dyn Workplace,
    p: &EventParams,
    lang: Lang,
    export: bool,
) -> Result<Page<EventView>, ApiError> {
    let (limit, offset) = if export {
        (MAX_EXPORT_ROWS, 0)
    } else {
        page(p.limit, p.offset)?
    };
    let filter = EventFilter {
        disease_id: given(&p.disease).map(str::to_string),
        area: given(&p.place).map(str::to_string),
        since: date_param("since", &p.since)?,
        until: date_param("until", &p.until)?,
        klb_declared: p.klb,
        limit,
        offset,
    };
    let total = store.count_events(&filter)?;
    let items = store
        .events(&filter)?
        .into_iter()
        .map(|e| EventView::new(e, lang))
        .collect();
    Ok(Page {
        total: total as usize,
        limit,
        offset,
        items,
    })
}

/// An article an event rests on.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleRef {
    /// Article id.
    pub id: i64,
    /// Headline.
    pub title: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Outlet.
    pub source: Option<String>,
    /// Date of its report.
    pub date: String,
}

/// An event with its history and sources.
#[derive(Debug, Clone, Serialize)]
pub struct EventDetail {
    /// The event.
    #[serde(flatten)]
    pub event: EventView,
    /// Its reports, oldest first: how the figures developed.
    pub reports: Vec<ReportRow>,
    /// The distinct articles behind them.
    pub articles: Vec<ArticleRef>,
    /// Signals raised on it.
    pub signal_ids: Vec<i64>,
}

/// One event with reports, articles and signals.
///
/// `latest_reports` keeps only the newest reports (a page); `None` reads the whole history.
pub fn event_detail(
    store: &dyn Workplace,
    id: i64,
    lang: Lang,
    latest_reports: Option<usize>,
) -> Result<Option<EventDetail>, ApiError> {
    let Some(event) = store.event(id)? else {
        return Ok(None);
    };
    let reports = match latest_reports {
        Some(n) => store.latest_event_reports(id, n)?,
        None => store.event_reports(id)?,
    };
    let mut seen = BTreeSet::new();
    let articles = reports
        .iter()
        .filter(|r| seen.insert(r.article_id))
        .map(|r| ArticleRef {
            id: r.article_id,
            title: r.title.clone(),
            url: r.url.clone(),
            source: r.source.clone(),
            date: r.date.clone(),
        })
        .collect();
    let signal_ids = store.event_signal_ids(id)?;
    Ok(Some(EventDetail {
        event: EventView::new(event, lang),
        reports,
        articles,
        signal_ids,
    }))
}

// ---------------------------------------------------------------- articles

/// A highlighted piece of evidence in an article's clean text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// Start, in characters (Unicode scalar values) of the clean text.
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
    /// `disease`, `place`, `count`, `date`, `klb` or `host`.
    pub kind: &'static str,
    /// What it was read as: a disease id, a place name, `deaths 9`, a date, a KLB reading.
    pub label: String,
}

/// An article as an analyst reads it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleDetail {
    /// Id.
    pub id: i64,
    /// Headline.
    pub title: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Every URL it was seen under.
    pub urls: Vec<String>,
    /// Outlet.
    pub source: Option<String>,
    /// Detected language.
    pub language: String,
    /// Publication date.
    pub published: Option<String>,
    /// Story cluster (near-duplicates share it).
    pub cluster_id: i64,
    /// Analyser version of the analysis shown.
    pub analyzer_version: Option<String>,
    /// The `analyze` JSON (without clean text).
    pub analysis: Value,
    /// The text mention offsets refer to.
    pub clean_text: String,
    /// Why the article is (or is not) an outbreak report.
    pub reasons: Vec<String>,
    /// Spans to highlight, sorted by start.
    pub evidence: Vec<Evidence>,
    /// Events its reports belong to.
    pub event_ids: Vec<i64>,
}

/// Evidence spans from an analysis: every mention of diseases, hosts, places, figures,
/// dates and KLB wording, sorted by position.
pub fn evidence(analysis: &Value) -> Vec<Evidence> {
    let mut out = Vec::new();
    let mut push = |m: &Value, kind: &'static str, label: String| {
        if let (Some(start), Some(end)) = (m["start"].as_u64(), m["end"].as_u64())
            && start < end
        {
            out.push(Evidence {
                start: start as usize,
                end: end as usize,
                kind,
                label,
            });
        }
    };
    let list = |key: &str| analysis[key].as_array().cloned().unwrap_or_default();
    for d in list("diseases") {
        let label = d["id"].as_str().unwrap_or_default().to_string();
        for m in d["mentions"].as_array().into_iter().flatten() {
            push(m, "disease", label.clone());
        }
    }
    for h in list("hosts") {
        let label = h["id"].as_str().unwrap_or_default().to_string();
        for m in h["mentions"].as_array().into_iter().flatten() {
            push(m, "host", label.clone());
        }
    }
    for l in list("locations") {
        let label = l["name"].as_str().unwrap_or_default().to_string();
        for m in l["mentions"].as_array().into_iter().flatten() {
            push(m, "place", label.clone());
        }
    }
    for c in list("counts") {
        let label = format!(
            "{} {} ({})",
            c["kind"].as_str().unwrap_or_default(),
            c["value"],
            c["species"].as_str().unwrap_or_default()
        );
        push(&c["mention"], "count", label);
    }
    for d in list("dates") {
        let label = d["date"].as_str().unwrap_or_default().to_string();
        push(&d["mention"], "date", label);
    }
    for k in list("klb_evidence") {
        let label = format!("KLB: {}", k["reading"].as_str().unwrap_or_default());
        push(&k["mention"], "klb", label);
    }
    out.sort_by(|a, b| {
        (a.start, std::cmp::Reverse(a.end)).cmp(&(b.start, std::cmp::Reverse(b.end)))
    });
    out
}

/// One article with its analysis and evidence.
pub fn article_detail(store: &dyn Workplace, id: i64) -> Result<Option<ArticleDetail>, ApiError> {
    let Some(a) = store.article(id)? else {
        return Ok(None);
    };
    let analysis: Value = a
        .analysis_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or(Value::Null);
    let reasons = analysis["relevance"]["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    let urls = store.article_urls(id)?;
    let event_ids = store.article_event_ids(id)?;
    Ok(Some(ArticleDetail {
        id: a.id,
        title: a.title,
        url: a.url,
        urls,
        source: a.source,
        language: a.language,
        published: a.published,
        cluster_id: a.cluster_id,
        analyzer_version: a.analyzer_version,
        evidence: evidence(&analysis),
        analysis,
        clean_text: a.clean_text,
        reasons,
        event_ids,
    }))
}

// ---------------------------------------------------------------- series

/// Which series to return.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SeriesParams {
    /// Disease id (required).
    pub disease: Option<String>,
    /// `regency`, `province` or `country`; by default read from the shape of `area`.
    pub level: Option<String>,
    /// Area code (required): `32.05`, `32` or `IDN`.
    pub area: Option<String>,
    /// `weekly` (default) or `daily`.
    pub frequency: Option<String>,
    /// First period to include.
    pub since: Option<String>,
    /// Last period to include.
    pub until: Option<String>,
}

/// One period of a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Point {
    /// First day of the period (weeks start on Monday).
    pub period_start: String,
    /// Distinct stories reporting the disease in the area in the period.
    pub reports: u32,
}

/// A dense series (every period present, zeros included) and the signals raised on it.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesView {
    /// Disease id.
    pub disease_id: String,
    /// Disease name.
    pub disease_name: String,
    /// Area level.
    pub area_level: String,
    /// Area code.
    pub area_code: String,
    /// Area name.
    pub place_name: String,
    /// `weekly` or `daily`.
    pub frequency: String,
    /// Every period from the first report (or `since`) to the latest report in the store
    /// (or `until`), oldest first.
    pub points: Vec<Point>,
    /// Signals on this series, oldest first.
    pub signals: Vec<SignalView>,
}

/// The level an area code is at: `IDN` country, `32` province, `32.05` regency.
pub fn level_of(code: &str) -> &'static str {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        "country"
    } else if code.contains('.') {
        "regency"
    } else {
        "province"
    }
}

/// The first day of the day or ISO week (Monday) holding `date`, as the store counts them.
fn period_of(date: Date, weekly: bool) -> Date {
    let frequency = if weekly {
        waspada_detect::Frequency::Weekly
    } else {
        waspada_detect::Frequency::Daily
    };
    waspada_pipeline::detect::period_start(date, frequency)
}

/// A dense series.
pub fn series(store: &dyn Workplace, p: &SeriesParams, lang: Lang) -> Result<SeriesView, ApiError> {
    let disease = given(&p.disease).ok_or_else(|| ApiError::bad_request("disease is required"))?;
    let area = given(&p.area)
        .ok_or_else(|| ApiError::bad_request("area is required (e.g. 32.05, 32 or IDN)"))?;
    let level = given(&p.level).unwrap_or_else(|| level_of(area));
    if !["regency", "province", "country"].contains(&level) {
        return Err(ApiError::bad_request(
            "level must be regency, province or country",
        ));
    }
    let frequency = given(&p.frequency).unwrap_or("weekly");
    let weekly = match frequency {
        "weekly" => true,
        "daily" => false,
        _ => return Err(ApiError::bad_request("frequency must be weekly or daily")),
    };
    let parse = |s: &str| -> Result<Date, ApiError> {
        s.parse::<Date>()
            .map_err(|_| ApiError::internal("reading a series date", s))
    };
    let stored = store.series_points(disease, level, area, frequency)?;
    let since = date_param("since", &p.since)?
        .map(|d| parse(&d))
        .transpose()?;
    let until = date_param("until", &p.until)?
        .map(|d| parse(&d))
        .transpose()?;
    let latest = store.latest_report_date()?.map(|d| parse(&d)).transpose()?;
    let first = stored.first().map(|(d, _)| parse(d)).transpose()?;
    let last = stored.last().map(|(d, _)| parse(d)).transpose()?;
    let start = since.or(first).map(|d| period_of(d, weekly));
    let end = until.or(match (last, latest) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    });
    let mut points = Vec::new();
    if let (Some(start), Some(end)) = (start, end.map(|d| period_of(d, weekly))) {
        let step = if weekly { 7 } else { 1 };
        let span = (end - start).get_days().max(0) as usize / step;
        let skip = (span + 1).saturating_sub(MAX_SERIES_POINTS);
        let mut counts = stored.iter().peekable();
        let mut d = start;
        let mut i = 0usize;
        while d <= end {
            let key = d.to_string();
            while counts.peek().is_some_and(|(p, _)| *p < key) {
                counts.next();
            }
            let reports = match counts.peek() {
                Some((p, n)) if *p == key => *n,
                _ => 0,
            };
            if i >= skip {
                points.push(Point {
                    period_start: key,
                    reports,
                });
            }
            i += 1;
            d = match d.checked_add((step as i64).days()) {
                Ok(next) => next,
                Err(_) => break,
            };
        }
    }
    let signal_page = signals(
        store,
        &SignalParams {
            disease: Some(disease.to_string()),
            ..SignalParams::default()
        },
        lang,
        true,
    )?;
    let mut signals: Vec<SignalView> = signal_page
        .items
        .into_iter()
        .filter(|s| s.area_level == level && s.area_code == area && s.frequency == frequency)
        .collect();
    signals.sort_by(|a, b| (&a.period_start, &a.method).cmp(&(&b.period_start, &b.method)));
    Ok(SeriesView {
        disease_id: disease.to_string(),
        disease_name: lang.disease(kb(), disease),
        area_level: level.to_string(),
        area_code: area.to_string(),
        place_name: lang.area(kb(), level, area),
        frequency: frequency.to_string(),
        points,
        signals,
    })
}

// ---------------------------------------------------------------- sources

/// A configured source and the health of its fetches.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// The source.
    #[serde(flatten)]
    pub source: SourceRow,
    /// `ok`, `failing` (the last fetch failed), `stale` (no success in 48 hours),
    /// `never_fetched`, or `passive` (files and push: nothing to fetch).
    pub health: &'static str,
    /// Latest successful fetch of any of its URLs (epoch ms).
    pub last_success_at: Option<i64>,
    /// Latest attempt (epoch ms).
    pub last_attempt_at: Option<i64>,
    /// Latest error message.
    pub last_error: Option<String>,
    /// Failures in a row (the worst of its URLs).
    pub consecutive_failures: i64,
    /// Items seen in feeds, over all fetches.
    pub items_seen: i64,
    /// New items, over all fetches.
    pub items_new: i64,
    /// Articles stored from it.
    pub articles: i64,
    /// Articles stored from it in the last 7 days, per day.
    pub articles_per_day_7d: f64,
    /// Per-URL fetch state.
    pub fetches: Vec<waspada_store::FetchState>,
}

/// An outlet named by stored articles (for data ingested from files, which have no
/// configured source).
#[derive(Debug, Clone, Serialize)]
pub struct Outlet {
    /// Outlet name as the articles give it.
    pub name: String,
    /// Articles stored.
    pub articles: i64,
    /// Latest publication date.
    pub last_published: Option<String>,
}

/// Sources and outlets.
#[derive(Debug, Clone, Serialize)]
pub struct SourcesView {
    /// Configured sources with their health.
    pub sources: Vec<SourceView>,
    /// Outlets by article count (the top 200).
    pub outlets: Vec<Outlet>,
}

/// Hours without a success after which a fetched source is `stale`.
pub const STALE_HOURS: i64 = 48;

/// Every source with its health, and the outlets.
pub fn sources(store: &dyn Workplace, now_ms: i64) -> Result<SourcesView, ApiError> {
    let mut out = Vec::new();
    let week_ago = now_ms - 7 * 24 * 3600 * 1000;
    for source in store.sources()? {
        let fetches = store.source_fetch_states(source.id)?;
        let (articles, recent) = store.source_article_counts(source.id, week_ago)?;
        let last_success_at = fetches.iter().filter_map(|f| f.last_success_at).max();
        let last_attempt_at = fetches.iter().filter_map(|f| f.last_attempt_at).max();
        let consecutive_failures = fetches
            .iter()
            .map(|f| f.consecutive_failures)
            .max()
            .unwrap_or(0);
        let last_error = fetches
            .iter()
            .filter(|f| f.last_error.is_some())
            .max_by_key(|f| f.last_attempt_at)
            .and_then(|f| f.last_error.clone());
        let health = if matches!(source.kind.as_str(), "file" | "push") {
            "passive"
        } else if fetches.is_empty() || last_attempt_at.is_none() {
            "never_fetched"
        } else if consecutive_failures > 0 {
            "failing"
        } else if last_success_at.is_none_or(|t| now_ms - t > STALE_HOURS * 3600 * 1000) {
            "stale"
        } else {
            "ok"
        };
        out.push(SourceView {
            health,
            last_success_at,
            last_attempt_at,
            last_error,
            consecutive_failures,
            items_seen: fetches.iter().map(|f| f.items_seen).sum(),
            items_new: fetches.iter().map(|f| f.items_new).sum(),
            articles,
            articles_per_day_7d: recent as f64 / 7.0,
            fetches,
            source,
        });
    }
    let outlets = store
        .outlets(200)?
        .into_iter()
        .map(|o| Outlet {
            name: o.name,
            articles: o.articles,
            last_published: o.last_published,
        })
        .collect();
    Ok(SourcesView {
        sources: out,
        outlets,
    })
}

// ---------------------------------------------------------------- search

/// A search request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchParams {
    /// Words; `"..."` for a phrase, `+word` required, `-word` excluded.
    pub q: Option<String>,
    /// Published on or after.
    pub since: Option<String>,
    /// Published on or before.
    pub until: Option<String>,
    /// Disease id.
    pub disease: Option<String>,
    /// Place code: `IDN`, `32` or `32.05`.
    pub place: Option<String>,
    /// Only outbreak reports.
    pub outbreak: Option<bool>,
    /// Page size.
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

/// A search hit with its article's headline and a snippet.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    /// Article id.
    pub article_id: i64,
    /// BM25 score.
    pub score: f32,
    /// Headline.
    pub title: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Outlet.
    pub source: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// Language.
    pub language: String,
    /// A fragment of the body; `highlights` are byte ranges of the matched words in it.
    pub snippet: Snippet,
}

/// One facet value with its display name.
#[derive(Debug, Clone, Serialize)]
pub struct FacetItem {
    /// Id or code.
    pub value: String,
    /// Display name.
    pub name: String,
    /// Matching articles.
    pub count: u64,
}

/// Facet counts over every match.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FacetsView {
    /// By disease.
    pub diseases: Vec<FacetItem>,
    /// By country.
    pub countries: Vec<FacetItem>,
    /// By province.
    pub provinces: Vec<FacetItem>,
    /// By regency.
    pub regencies: Vec<FacetItem>,
}

/// Search results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    /// The query text.
    pub q: String,
    /// Matches over all pages.
    pub total: usize,
    /// Page size.
    pub limit: usize,
    /// Items skipped.
    pub offset: usize,
    /// This page.
    pub hits: Vec<SearchHit>,
    /// Counts over all matches.
    pub facets: FacetsView,
}

/// Runs a search and reads the hits' articles.
pub fn search(
    store: &dyn Workplace,
    index: &SearchIndex,
    p: &SearchParams,
    lang: Lang,
) -> Result<SearchView, ApiError> {
    let (limit, offset) = page(p.limit, p.offset)?;
    let text = given(&p.q).unwrap_or_default().to_string();
    let day = |name: &str, v: &Option<String>| -> Result<Option<Date>, ApiError> {
        Ok(date_param(name, v)?.and_then(|d| d.parse().ok()))
    };
    let mut query = Query {
        text: text.clone(),
        since: day("since", &p.since)?,
        until: day("until", &p.until)?,
        disease: given(&p.disease).map(str::to_string),
        outbreak_only: p.outbreak.unwrap_or(false),
        limit,
        offset,
        facets: true,
        ..Query::default()
    };
    if let Some(place) = given(&p.place)
        && !query.set_place(place)
    {
        return Err(ApiError::bad_request(format!(
            "place {place:?} is not a code; use a province (32), a regency (32.05) or a country (IDN)"
        )));
    }
    // Pick up what the ingest committed since the last search.
    index
        .refresh()
        .map_err(|e| ApiError::internal("reloading the search index", e))?;
    let results = index
        .search(&query)
        .map_err(|e| ApiError::internal("searching", e))?;
    let mut hits = Vec::with_capacity(results.hits.len());
    let mut snippets = index.snippets(&text);
    for hit in &results.hits {
        // The index may briefly hold what a re-built store lacks; skip such hits.
        let Some(a) = store.article_brief(hit.article_id as i64)? else {
            continue;
        };
        let snippet = snippets.snippet(&a.language, &a.clean_text);
        hits.push(SearchHit {
            article_id: a.id,
            score: hit.score,
            title: a.title,
            url: a.url,
            source: a.source,
            published: a.published,
            language: a.language,
            snippet,
        });
    }
    let named = |list: &[FacetCount], level: &str| -> Vec<FacetItem> {
        list.iter()
            .map(|f| FacetItem {
                name: if level == "disease" {
                    lang.disease(kb(), &f.value)
                } else {
                    lang.area(kb(), level, &f.value)
                },
                value: f.value.clone(),
                count: f.count,
            })
            .collect()
    };
    Ok(SearchView {
        q: text,
        total: results.total,
        limit,
        offset,
        hits,
        facets: FacetsView {
            diseases: named(&results.facets.diseases, "disease"),
            countries: named(&results.facets.countries, "country"),
            provinces: named(&results.facets.provinces, "province"),
            regencies: named(&results.facets.regencies, "regency"),
        },
    })
}
