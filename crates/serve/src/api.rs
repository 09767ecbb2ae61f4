//! The JSON API under `/api`. Every route is declared once, in [`API_ROUTES`] (through the
//! `api_routes!` macro that also builds the router), and a test keeps that list and the
//! OpenAPI document equal. Names in API answers are English; pages show the user's
//! language.

use axum::Json;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use waspada_store::{NewTriage, TriageAction, TriageRow};

use crate::auth::Identity;
use crate::i18n::Lang;
use crate::query::{self, EventParams, SearchParams, SeriesParams, SignalParams};
use crate::{ApiError, AppState, export};

macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Every `/api` route as (HTTP method, path template), as in the OpenAPI document.
        pub const API_ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        pub(crate) fn routes() -> Router<AppState> {
            Router::new()$(.route($path, axum::routing::$method($handler)))*
        }
    };
}

api_routes! {
    get "/api/openapi.json" => openapi;
    get "/api/signals" => list_signals;
    get "/api/signals.csv" => signals_csv;
    get "/api/signals/{id}" => get_signal;
    post "/api/signals/{id}/triage" => post_triage;
    get "/api/signals/{id}/cap.xml" => crate::subscriptions::signal_cap;
    get "/api/alerts" => crate::subscriptions::list_alerts;
    get "/api/subscriptions" => crate::subscriptions::list_subscriptions;
    post "/api/subscriptions" => crate::subscriptions::create_subscription;
    delete "/api/subscriptions/{id}" => crate::subscriptions::delete_subscription;
    get "/api/events" => list_events;
    get "/api/events.csv" => events_csv;
    get "/api/events.geojson" => events_geojson;
    get "/api/events/{id}" => get_event;
    post "/api/articles" => crate::push::push_articles;
    get "/api/articles/{id}" => get_article;
    get "/api/series" => get_series;
    get "/api/places.geojson" => places_geojson;
    get "/api/sources" => get_sources;
    get "/api/search" => search;
    get "/api/me" => crate::settings::me;
    get "/api/users" => crate::settings::list_users;
}

/// Query parameters, with a JSON 400 when they do not parse.
pub struct Q<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(t)| Q(t))
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}

/// A numeric id in the path, with a JSON 400 when it is not a number.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<i64>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| Id(id))
            .map_err(|_| ApiError::bad_request("the id in the path must be a whole number"))
    }
}

/// A JSON body, with a JSON error (400, 413 or 415) when it cannot be read.
pub struct J<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for J<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(t)| J(t))
            .map_err(|e| ApiError::new(e.status(), e.body_text()))
    }
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::DOCUMENT,
    )
        .into_response()
}

async fn list_signals(
    axum::extract::State(state): axum::extract::State<AppState>,
    Q(p): Q<SignalParams>,
) -> Result<Json<query::Page<query::SignalView>>, ApiError> {
    state
        .with_workplace(move |s| query::signals(s, &p, Lang::En, false))
        .await
        .map(Json)
}

async fn signals_csv(
    axum::extract::State(state): axum::extract::State<AppState>,
    Q(p): Q<SignalParams>,
) -> Result<Response, ApiError> {
    let page = state
        .with_workplace(move |s| query::signals(s, &p, Lang::En, true))
        .await?;
    Ok(csv_response(
        export::signals_csv(&page.items)?,
        "signals.csv",
    ))
}

async fn get_signal(
    axum::extract::State(state): axum::extract::State<AppState>,
    Id(id): Id,
) -> Result<Json<query::SignalDetail>, ApiError> {
    state
        .with_workplace(move |s| query::signal_detail(s, id, Lang::En))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no signal {id}")))
}

/// A triage request.
#[derive(Debug, Clone, Deserialize)]
pub struct TriageBody {
    /// `verify`, `dismiss`, `escalate`, `assign` or `note`.
    pub action: String,
    /// Reason (required to dismiss) or note (required for `note`).
    #[serde(default)]
    pub note: Option<String>,
    /// Who the signal is handed to (required for `assign`).
    #[serde(default)]
    pub assignee: Option<String>,
}

/// What a triage did.
#[derive(Debug, Clone, Serialize)]
pub struct TriageOutcome {
    /// The signal.
    pub signal_id: i64,
    /// Its status now.
    pub status: String,
    /// Its whole history, oldest first.
    pub history: Vec<TriageRow>,
}

/// Longest note or reason accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Checks a triage request and records it as `who`.
pub(crate) async fn triage(
    state: &AppState,
    id: i64,
    body: TriageBody,
    who: Identity,
) -> Result<TriageOutcome, ApiError> {
    let action = TriageAction::parse(body.action.trim()).ok_or_else(|| {
        ApiError::bad_request(format!(
            "action must be verify, dismiss, escalate, assign or note, not {:?}",
            body.action
        ))
    })?;
    let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let note = clean(body.note);
    let assignee = clean(body.assignee);
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(ApiError::bad_request(format!(
            "note is longer than {MAX_NOTE_CHARS} characters"
        )));
    }
    match action {
        TriageAction::Dismiss if note.is_none() => {
            return Err(ApiError::bad_request("a dismissal needs a reason in note"));
        }
        TriageAction::Note if note.is_none() => return Err(ApiError::bad_request("note is empty")),
        TriageAction::Assign if !assignee.as_deref().is_some_and(Identity::plausible_name) => {
            return Err(ApiError::bad_request(
                "assign needs an assignee (1-64 characters)",
            ));
        }
        _ => {}
    }
    state
        .with_workplace(move |s| {
            let status = s.triage(&NewTriage {
                signal_id: id,
                action,
                note: note.as_deref(),
                assignee: assignee.as_deref(),
                user: &who.user,
            })?;
            let Some(status) = status else {
                return Err(ApiError::not_found(format!("no signal {id}")));
            };
            Ok(TriageOutcome {
                signal_id: id,
                status,
                history: s.triage_history(id)?,
            })
        })
        .await
}

async fn post_triage(
    axum::extract::State(state): axum::extract::State<AppState>,
    Id(id): Id,
    who: Identity,
    J(body): J<TriageBody>,
) -> Result<Json<TriageOutcome>, ApiError> {
    triage(&state, id, body, who).await.map(Json)
}

async fn list_events(
    axum::extract::State(state): axum::extract::State<AppState>,
    Q(p): Q<EventParams>,
) -> Result<Json<query::Page<query::EventView>>, ApiError> {
    state
        .with_workplace(move |s| query::events(s, &p, Lang::En, false))
        .await
        .map(Json)
}

async fn events_csv(
    axum::extract::State(state): axum::extract::State<AppState>,
    Q(p): Q<EventParams>,
) -> Result<Response, ApiError> {
    let page = state
        .with_workplace(move |s| query::events(s, &p, Lang::En, true))
        .await?;
    Ok(csv_response(export::events_csv(&page.items)?, "events.csv"))
}

/// The map's data. Cached per query string while the events are unchanged (see
/// [`crate::cache`]), with an `ETag` for conditional requests.
async fn events_geojson(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    headers: axum::http::HeaderMap,
    Q(p): Q<EventParams>,
) -> Result<Response, ApiError> {
    let key = raw.unwrap_or_default();
    let cache = state.geojson_cache.clone();
    let answer = state
        .with_workplace(move |s| {
            let version = s.events_version()?;
            if let Some(hit) = cache.get(&key, &version) {
                return Ok(hit);
            }
            let page = query::events(s, &p, Lang::En, true)?;
            Ok(cache.put(
                &key,
                &version,
                export::events_geojson(&page.items).to_string(),
            ))
        })
        .await?;
    let etag = answer.etag.to_string();
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| crate::cache::etag_matches(v, &etag));
    // `private`: the answer needs a login; `no-cache`: revalidate every time (cheap: 304).
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, "private, no-cache".to_string()),
    ];
    if not_modified {
        return Ok((axum::http::StatusCode::NOT_MODIFIED, common).into_response());
    }
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json".to_string())],
        common,
        answer.body,
    )
        .into_response())
}

async fn get_event(
    axum::extract::State(state): axum::extract::State<AppState>,
    Id(id): Id,
) -> Result<Json<query::EventDetail>, ApiError> {
    state
        .with_workplace(move |s| query::event_detail(s, id, Lang::En, None))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no event {id}")))
}

async fn get_article(
    axum::extract::State(state): axum::extract::State<AppState>,
    Id(id): Id,
) -> Result<Json<query::ArticleDetail>, ApiError> {
    state
        .with_workplace(move |s| query::article_detail(s, id))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no article {id}")))
}

async fn get_series(
    axum::extract::State(state): axum::extract::State<AppState>,
    Q(p): Q<SeriesParams>,
) -> Result<Json<query::SeriesView>, ApiError> {
    state
        .with_workplace(move |s| query::series(s, &p, Lang::En))
        .await
        .map(Json)
}

async fn get_sources(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Json<query::SourcesView>, ApiError> {
    let now = waspada_store::now_ms();
    state
        .with_workplace(move |s| query::sources(s, now))
        .await
        .map(Json)
}

async fn search(
    axum::extract::State(state): axum::extract::State<AppState>,
    Q(p): Q<SearchParams>,
) -> Result<Json<query::SearchView>, ApiError> {
    state.search_index()?;
    let st = state.clone();
    state
        .with_workplace(move |s| query::search(s, st.search_index()?, &p, Lang::En))
        .await
        .map(Json)
}

/// Regencies and cities with coordinates, as GeoJSON points: the map draws them as faint
/// dots, which sketches the islands without a tile server or boundary files. Built once.
async fn places_geojson() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(|| {
        use waspada_kb::PlaceLevel;
        let kb = waspada_kb::KnowledgeBase::embedded();
        let features: Vec<serde_json::Value> = kb
            .places
            .iter()
            .filter(|p| matches!(p.level, PlaceLevel::Regency | PlaceLevel::City))
            .filter_map(|p| {
                let (lat, lon) = (p.lat?, p.lon?);
                Some(serde_json::json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {"code": p.code, "name": p.name, "country": p.country},
                }))
            })
            .collect();
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
    });
    (
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        doc.as_str(),
    )
        .into_response()
}

fn csv_response(body: String, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
