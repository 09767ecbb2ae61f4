//! The dashboard: server-rendered pages (askama templates in `templates/`), bilingual.
//!
//! The language comes from `?lang=id|en` (remembered in a cookie) or the cookie, and is
//! Indonesian by default. Pages carry a Content-Security-Policy that allows scripts from
//! this server only, so even a template mistake could not run an article's inline script.

use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::api::{Id, Q, TriageBody};
use crate::auth::{CsrfToken, Identity};
use crate::highlight::{Segment, segments, snippet_segments};
use crate::i18n::Lang;
use crate::query::{
    self, ArticleDetail, EventDetail, EventParams, Page, SearchParams, SearchView, SignalDetail,
    SignalParams, SignalView, SourcesView,
};
use crate::trends::Trends;
use crate::{ApiError, AppState};

/// The cookie that remembers the language.
pub const LANG_COOKIE: &str = "waspada_lang";

/// Scripts only from this server; styles may be inline (Leaflet and uPlot set them).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'self'";

pub(crate) fn routes() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/", get(|| async { Redirect::to("/signals") }))
        .route("/signals", get(signals_page))
        .route("/signals/{id}", get(signal_page))
        .route("/signals/{id}/triage", post(triage_form))
        .route("/events/{id}", get(event_page))
        .route("/articles/{id}", get(article_page))
        .route("/map", get(map_page))
        .route("/timeline", get(timeline_page))
        .route("/search", get(search_page))
        .route("/sources", get(sources_page))
}

/// What every page needs: the language, the synthetic-data flag, the link to switch
/// language, who is logged in and the session's CSRF token (for every `<form
/// method="post">` and, through `hx-headers` on `<body>`, every htmx request).
#[derive(Debug, Clone)]
pub(crate) struct Ui {
    pub(crate) lang: Lang,
    pub(crate) synthetic: bool,
    pub(crate) nav: &'static str,
    pub(crate) switch_url: String,
    pub(crate) set_cookie: bool,
    /// The session's CSRF token (empty without a session).
    pub(crate) csrf_token: String,
    /// The logged-in user, if any.
    pub(crate) user: Option<Identity>,
}

impl Ui {
    /// The page's language.
    pub(crate) fn lang(&self) -> Lang {
        self.lang
    }

    /// A UI string.
    pub(crate) fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// A UI string for a keyed value (`status`, `severity`, `health`...).
    pub(crate) fn tv(&self, prefix: &str, value: &str) -> &'static str {
        self.lang.t(&format!("{prefix}_{value}"))
    }

    /// A number with one decimal, or a dash.
    pub(crate) fn num(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "–".to_string(), |x| format!("{x:.1}"))
    }

    /// An epoch-millisecond time as `YYYY-MM-DD HH:MM UTC`, or "never".
    pub(crate) fn time(&self, ms: &Option<i64>) -> String {
        match ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()) {
            Some(t) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            None => self.t("never").to_string(),
        }
    }

    /// `selected` when the parameter has this value (for `<option>`).
    pub(crate) fn sel(&self, param: &Option<String>, value: &str) -> &'static str {
        if param.as_deref().map(str::trim) == Some(value) {
            "selected"
        } else {
            ""
        }
    }

    /// A parameter's value for an input, or empty.
    pub(crate) fn val<'a>(&self, param: &'a Option<String>) -> &'a str {
        param.as_deref().unwrap_or_default()
    }

    /// An epoch-millisecond time as `YYYY-MM-DD HH:MM UTC`.
    pub(crate) fn at(&self, ms: &i64) -> String {
        self.time(&Some(*ms))
    }

    pub(crate) fn is(&self, nav: &str) -> bool {
        self.nav == nav
    }

    /// Whether the logged-in user may change things (the triage buttons).
    pub(crate) fn can_change(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role >= crate::auth::Role::Analyst)
    }

    /// Whether a person is logged in with a session (not an API token): people have a
    /// password to change.
    pub(crate) fn is_session(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.via == crate::auth::Via::Session)
    }

    /// Whether the logged-in user is an admin (the users link).
    pub(crate) fn is_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role >= crate::auth::Role::Admin)
    }

    pub(crate) fn with_nav(mut self, nav: &'static str) -> Ui {
        self.nav = nav;
        self
    }

    pub(crate) fn error(&self, e: ApiError) -> Response {
        let status = e.status;
        let page = ErrorPage {
            ui: self.clone(),
            title: if status == StatusCode::NOT_FOUND {
                self.t("not_found")
            } else {
                self.t("error")
            },
            message: e.message,
        };
        let mut r = self.render(&page);
        *r.status_mut() = status;
        r
    }

    pub(crate) fn render(&self, page: &impl Template) -> Response {
        let body = match page.render() {
            Ok(b) => b,
            Err(e) => return ApiError::internal("rendering a page", e).into_response(),
        };
        let mut r = Html(body).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        if self.set_cookie
            && let Ok(v) = HeaderValue::from_str(&format!(
                "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
                self.lang.code()
            ))
        {
            h.insert(header::SET_COOKIE, v);
        }
        r
    }
}

fn cookie_lang(headers: &HeaderMap) -> Option<Lang> {
    crate::auth::cookie(headers, LANG_COOKIE).and_then(Lang::parse)
}

impl FromRequestParts<AppState> for Ui {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let mut asked = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.strip_prefix("lang=") {
                Some(v) => asked = Lang::parse(v),
                None => rest.push(pair),
            }
        }
        let lang = asked
            .or_else(|| cookie_lang(&parts.headers))
            .unwrap_or_default();
        rest.push(match lang.other() {
            Lang::Id => "lang=id",
            Lang::En => "lang=en",
        });
        Ok(Ui {
            lang,
            synthetic: state.synthetic,
            nav: "",
            switch_url: format!("{}?{}", parts.uri.path(), rest.join("&")),
            set_cookie: asked.is_some(),
            csrf_token: parts
                .extensions
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            user: parts.extensions.get::<Identity>().cloned(),
        })
    }
}

/// The error page for a request the auth layer refuses.
pub(crate) async fn error_page(parts: &mut Parts, state: &AppState, e: ApiError) -> Response {
    let Ok(ui) = Ui::from_request_parts(parts, state).await;
    ui.error(e)
}

/// Percent-encodes a query value.
pub(crate) fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query string from the non-empty pairs, with a leading `?` (or empty).
fn query_string(pairs: &[(&str, Option<&str>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.filter(|v| !v.trim().is_empty())
                .map(|v| format!("{k}={}", enc(v.trim())))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// An `http(s)` URL, or nothing: an article's URL is hostile input and `javascript:` or
/// `data:` must never become a link.
fn safe_link(url: Option<&str>) -> Option<String> {
    let u = url?.trim();
    let lower = u.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then(|| u.to_string())
}

// ---------------------------------------------------------------- templates

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ui: Ui,
    title: &'static str,
    message: String,
}

#[derive(Template)]
#[template(path = "signals.html")]
struct SignalsPage {
    ui: Ui,
    page: Page<SignalView>,
    f: SignalParams,
    statuses: [&'static str; 4],
    prev: Option<String>,
    next: Option<String>,
    error: Option<String>,
    csv: String,
    trends: Trends,
}

#[derive(Template)]
#[template(path = "signal_row.html")]
struct SignalRow {
    ui: Ui,
    s: SignalView,
    error: Option<String>,
    trends: Trends,
}

#[derive(Template)]
#[template(path = "signal.html")]
struct SignalPage {
    ui: Ui,
    d: SignalDetail,
    s: SignalView,
    timeline: String,
    error: Option<String>,
    trends: Trends,
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    ui: Ui,
    d: EventDetail,
    /// Reports (and articles) left off the page, oldest first.
    earlier: usize,
}

/// Most reports (and articles) an event page lists: the latest ones. A years-long event
/// has thousands, which made the page megabytes long; the API keeps the whole list.
const EVENT_PAGE_REPORTS: usize = 100;

/// How far back the map looks by default, from the latest event.
const MAP_DEFAULT_DAYS: i64 = 90;

/// The window lengths the map's time slider offers, in days (it steps a week at a time).
const MAP_WINDOW_DAYS: [u32; 2] = [7, 30];

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    ui: Ui,
    a: ArticleDetail,
    link: Option<String>,
    text: Vec<Segment>,
    category: String,
    kinds: [&'static str; 6],
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    ui: Ui,
    f: EventParams,
    data_query: String,
    geojson: String,
    /// The time slider's window lengths: days and their name.
    windows: Vec<(u32, String)>,
}

#[derive(Template)]
#[template(path = "timeline.html")]
struct TimelinePage {
    ui: Ui,
    f: query::SeriesParams,
    data_query: String,
}

struct HitView {
    id: i64,
    title: String,
    source: String,
    published: String,
    snippet: Vec<Segment>,
}

struct FacetLink {
    name: String,
    count: u64,
    href: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ui: Ui,
    f: SearchParams,
    total: usize,
    searched: bool,
    hits: Vec<HitView>,
    facets: Vec<(&'static str, Vec<FacetLink>)>,
    prev: Option<String>,
    next: Option<String>,
    unavailable: Option<String>,
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    ui: Ui,
    v: SourcesView,
    dead: Option<crate::dead_letters::DeadLetterSection>,
}

// ---------------------------------------------------------------- handlers

fn pager(
    total: usize,
    limit: usize,
    offset: usize,
    base: &[(&str, Option<&str>)],
) -> (Option<String>, Option<String>) {
    let link = |off: usize| {
        let off = off.to_string();
        let mut pairs = base.to_vec();
        pairs.push(("offset", Some(off.as_str())));
        query_string(&pairs)
    };
    let prev = (offset > 0).then(|| link(offset.saturating_sub(limit)));
    let next = (offset + limit < total).then(|| link(offset + limit));
    (prev, next)
}

async fn signals_page(State(state): State<AppState>, ui: Ui, Q(f): Q<SignalParams>) -> Response {
    let ui = ui.with_nav("signals");
    let p = f.clone();
    let lang = ui.lang;
    match state
        .with_workplace(move |s| {
            let page = query::signals(s, &p, lang, false)?;
            let trends = Trends::read(s, &page.items, lang)?;
            Ok((page, trends))
        })
        .await
    {
        Ok((page, trends)) => {
            let base = [
                ("disease", f.disease.as_deref()),
                ("area", f.area.as_deref()),
                ("status", f.status.as_deref()),
                ("since", f.since.as_deref()),
                ("until", f.until.as_deref()),
                ("sort", f.sort.as_deref()),
            ];
            let (prev, next) = pager(page.total, page.limit, page.offset, &base);
            let csv = format!("/api/signals.csv{}", query_string(&base));
            ui.render(&SignalsPage {
                ui: ui.clone(),
                page,
                f,
                statuses: query::STATUSES,
                prev,
                next,
                error: None,
                csv,
                trends,
            })
        }
        Err(e) => ui.error(e),
    }
}

fn timeline_link(s: &SignalView) -> String {
    format!(
        "/timeline{}",
        query_string(&[
            ("disease", Some(&s.disease_id)),
            ("area", Some(&s.area_code)),
            ("level", Some(&s.area_level)),
            ("frequency", Some(&s.frequency)),
        ])
    )
}

async fn signal_page(State(state): State<AppState>, ui: Ui, Id(id): Id) -> Response {
    let ui = ui.with_nav("signals");
    let lang = ui.lang;
    match state
        .with_workplace(move |s| {
            let Some(d) = query::signal_detail(s, id, lang)? else {
                return Ok(None);
            };
            let trends = Trends::read(s, std::slice::from_ref(&d.signal), lang)?;
            Ok(Some((d, trends)))
        })
        .await
    {
        Ok(Some((d, trends))) => ui.render(&SignalPage {
            ui: ui.clone(),
            timeline: timeline_link(&d.signal),
            s: d.signal.clone(),
            d,
            error: None,
            trends,
        }),
        Ok(None) => ui.error(ApiError::not_found(format!("no signal {id}"))),
        Err(e) => ui.error(e),
    }
}

/// The dashboard's triage form (htmx or plain POST).
#[derive(Debug, Deserialize)]
struct TriageForm {
    action: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    assignee: Option<String>,
}

async fn triage_form(
    State(state): State<AppState>,
    ui: Ui,
    Id(id): Id,
    who: Identity,
    headers: HeaderMap,
    Form(form): Form<TriageForm>,
) -> Response {
    let htmx = headers.contains_key("hx-request");
    let body = TriageBody {
        action: form.action,
        note: form.note,
        assignee: form.assignee,
    };
    let result = crate::api::triage(&state, id, body, who).await;
    if !htmx {
        return match result {
            Ok(_) => Redirect::to(&format!("/signals/{id}")).into_response(),
            Err(e) => ui.error(e),
        };
    }
    // htmx swaps the row: re-render it with the new status, or with the error beside it.
    let error = result.err().map(|e| e.message);
    let lang = ui.lang;
    let row = state.with_workplace(move |s| {
        let Some(signal) = query::signal(s, id, lang)? else {
            return Ok(None);
        };
        let trends = Trends::read(s, std::slice::from_ref(&signal), lang)?;
        Ok(Some((signal, trends)))
    });
    match row.await {
        Ok(Some((s, trends))) => ui.render(&SignalRow {
            ui: ui.clone(),
            s,
            error,
            trends,
        }),
        Ok(None) => ui.error(ApiError::not_found(format!("no signal {id}"))),
        Err(e) => ui.error(e),
    }
}

async fn event_page(State(state): State<AppState>, ui: Ui, Id(id): Id) -> Response {
    let ui = ui.with_nav("map");
    let lang = ui.lang;
    match state
        .with_workplace(move |s| query::event_detail(s, id, lang, Some(EVENT_PAGE_REPORTS)))
        .await
    {
        Ok(Some(d)) => {
            let earlier = (d.event.event.n_reports as usize).saturating_sub(d.reports.len());
            ui.render(&EventPage {
                ui: ui.clone(),
                d,
                earlier,
            })
        }
        Ok(None) => ui.error(ApiError::not_found(format!("no event {id}"))),
        Err(e) => ui.error(e),
    }
}

async fn article_page(State(state): State<AppState>, ui: Ui, Id(id): Id) -> Response {
    let ui = ui.with_nav("search");
    match state
        .with_workplace(move |s| query::article_detail(s, id))
        .await
    {
        Ok(Some(a)) => {
            let text = segments(&a.clean_text, &a.evidence);
            let category = a.analysis["relevance"]["category"]
                .as_str()
                .unwrap_or("–")
                .to_string();
            ui.render(&ArticlePage {
                ui: ui.clone(),
                link: safe_link(a.url.as_deref()),
                text,
                category,
                a,
                kinds: ["disease", "place", "count", "date", "klb", "host"],
            })
        }
        Ok(None) => ui.error(ApiError::not_found(format!("no article {id}"))),
        Err(e) => ui.error(e),
    }
}

async fn map_page(State(state): State<AppState>, ui: Ui, Q(mut f): Q<EventParams>) -> Response {
    let ui = ui.with_nav("map");
    // Analysts open the map for what is happening now: without dates, the last 90 days
    // before the latest event (an empty date in the form means the whole archive).
    if f.since.is_none() && f.until.is_none() {
        // The store lists events latest first: the first one has the latest date.
        let latest = state
            .with_workplace(|s| {
                let filter = waspada_store::EventFilter {
                    limit: 1,
                    ..waspada_store::EventFilter::default()
                };
                Ok(s.events(&filter)?.pop().map(|e| e.last_date))
            })
            .await;
        match latest {
            Ok(latest) => {
                f.since = latest
                    .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                    .and_then(|d| d.checked_sub(jiff::Span::new().days(MAP_DEFAULT_DAYS)).ok())
                    .map(|d| d.to_string());
            }
            Err(e) => return ui.error(e),
        }
    }
    let klb = f.klb.map(|k| k.to_string());
    let q = query_string(&[
        ("disease", f.disease.as_deref()),
        ("place", f.place.as_deref()),
        ("since", f.since.as_deref()),
        ("until", f.until.as_deref()),
        ("klb", klb.as_deref()),
    ]);
    ui.render(&MapPage {
        ui: ui.clone(),
        f,
        geojson: format!("/api/events.geojson{q}"),
        data_query: q,
        windows: MAP_WINDOW_DAYS
            .iter()
            .map(|&d| (d, ui.t("window_days").replace("{n}", &d.to_string())))
            .collect(),
    })
}

async fn timeline_page(
    State(state): State<AppState>,
    ui: Ui,
    Q(mut f): Q<query::SeriesParams>,
) -> Response {
    let ui = ui.with_nav("timeline");
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
    if blank(&f.disease) || blank(&f.area) {
        // Default: the series of the top-ranked signal, so the page is never empty.
        let top = state
            .with_workplace(|s| {
                query::signals(
                    s,
                    &SignalParams {
                        limit: Some(1),
                        ..SignalParams::default()
                    },
                    Lang::En,
                    false,
                )
            })
            .await;
        if let Ok(Some(s)) = top.map(|p| p.items.into_iter().next()) {
            f.disease = Some(s.disease_id);
            f.area = Some(s.area_code);
            f.level = Some(s.area_level);
            f.frequency = Some(s.frequency);
        }
    }
    let data_query = query_string(&[
        ("disease", f.disease.as_deref()),
        ("area", f.area.as_deref()),
        ("level", f.level.as_deref()),
        ("frequency", f.frequency.as_deref()),
        ("since", f.since.as_deref()),
        ("until", f.until.as_deref()),
    ]);
    ui.render(&TimelinePage {
        ui: ui.clone(),
        f,
        data_query,
    })
}

async fn search_page(State(state): State<AppState>, ui: Ui, Q(f): Q<SearchParams>) -> Response {
    let ui = ui.with_nav("search");
    let searched = [&f.q, &f.disease, &f.place]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()));
    let mut page = SearchPage {
        ui: ui.clone(),
        f: f.clone(),
        total: 0,
        searched,
        hits: Vec::new(),
        facets: Vec::new(),
        prev: None,
        next: None,
        unavailable: None,
    };
    if !searched {
        return ui.render(&page);
    }
    if let Err(e) = state.search_index() {
        page.unavailable = Some(e.message);
        return ui.render(&page);
    }
    let lang = ui.lang;
    let st = state.clone();
    let p = f.clone();
    let view: SearchView = match state
        .with_workplace(move |s| query::search(s, st.search_index()?, &p, lang))
        .await
    {
        Ok(v) => v,
        Err(e) => return ui.error(e),
    };
    let outbreak = f.outbreak.map(|b| b.to_string());
    let base = [
        ("q", f.q.as_deref()),
        ("since", f.since.as_deref()),
        ("until", f.until.as_deref()),
        ("disease", f.disease.as_deref()),
        ("place", f.place.as_deref()),
        ("outbreak", outbreak.as_deref()),
    ];
    let (prev, next) = pager(view.total, view.limit, view.offset, &base);
    let refine = |key: &str, value: &str| {
        let mut pairs: Vec<(&str, Option<&str>)> =
            base.iter().filter(|(k, _)| *k != key).cloned().collect();
        pairs.push((key, Some(value)));
        format!("/search{}", query_string(&pairs))
    };
    let links = |list: &[query::FacetItem], key: &str| -> Vec<FacetLink> {
        list.iter()
            .take(10)
            .map(|f| FacetLink {
                name: f.name.clone(),
                count: f.count,
                href: refine(key, &f.value),
            })
            .collect()
    };
    page.facets = vec![
        ("col_disease", links(&view.facets.diseases, "disease")),
        ("col_place", links(&view.facets.provinces, "place")),
        ("level", links(&view.facets.countries, "place")),
    ];
    page.total = view.total;
    page.prev = prev;
    page.next = next;
    page.hits = view
        .hits
        .iter()
        .map(|h| HitView {
            id: h.article_id,
            title: h
                .title
                .clone()
                .unwrap_or_else(|| format!("#{}", h.article_id)),
            source: h.source.clone().unwrap_or_default(),
            published: h.published.clone().unwrap_or_default(),
            snippet: snippet_segments(&h.snippet),
        })
        .collect();
    ui.render(&page)
}

async fn sources_page(State(state): State<AppState>, ui: Ui) -> Response {
    let ui = ui.with_nav("sources");
    let now = waspada_store::now_ms();
    let dead = crate::dead_letters::section(
        state.dead_letters.as_ref(),
        crate::dead_letters::READ_TIMEOUT,
    );
    let (v, dead) = tokio::join!(state.with_workplace(move |s| query::sources(s, now)), dead);
    match v {
        Ok(v) => ui.render(&SourcesPage {
            ui: ui.clone(),
            v,
            dead,
        }),
        Err(e) => ui.error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_are_links() {
        assert_eq!(
            safe_link(Some("https://x.id/a")).as_deref(),
            Some("https://x.id/a")
        );
        assert_eq!(safe_link(Some(" JavaScript:alert(1)")), None);
        assert_eq!(safe_link(Some("data:text/html,<script>")), None);
        assert_eq!(safe_link(None), None);
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            query_string(&[("q", Some("a&b=c <x>")), ("empty", Some(" ")), ("n", None)]),
            "?q=a%26b%3Dc%20%3Cx%3E"
        );
    }
}
