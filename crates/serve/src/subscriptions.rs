//! Alerts in the workplace: subscriptions (API and the `/settings/subscriptions` page),
//! the list of alerts, CAP 1.2 messages of escalated signals, and the Atom feeds.
//!
//! Feeds live under `/feeds/`, apart from `/api` and the pages: feed readers cannot log
//! in, so the unguessable token in the address is the credential, and that prefix is the
//! one to exempt when logins come. Delivery itself (e-mail, webhooks) is
//! `waspada-alert`'s dispatcher, run by `waspada run` and `waspada alerts send`.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use waspada_alert::atom::{FeedEntry, feed_xml};
use waspada_alert::cap::{CapContext, alert_xml};
use waspada_alert::webhook::random_token;
use waspada_alert::{Lang, Severity, SignalFacts};
use waspada_store::{AlertFilter, AlertRow, NewSubscription, Subscription, Workplace};

use crate::api::{Id, J, Q};
use crate::auth::Identity;
use crate::pages::Ui;
use crate::{ApiError, AppState};

/// Page and feed routes (the `/api` ones are in [`crate::API_ROUTES`]).
pub(crate) fn routes() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/settings/subscriptions", get(page).post(add_form))
        .route("/settings/subscriptions/{id}/delete", post(delete_form))
        .route("/feeds/{file}", get(feed))
}

/// A subscription as the API shows it: the stored fields, its feed address (Atom), and
/// never its webhook secret (shown once, when it is created).
#[derive(Debug, Clone, Serialize)]
pub struct SubscriptionView {
    /// The stored subscription.
    #[serde(flatten)]
    pub subscription: Subscription,
    /// The Atom feed's address (channel `atom`).
    pub feed_url: Option<String>,
}

/// What creating a subscription returns: the subscription, and the webhook secret once.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedSubscription {
    /// The subscription.
    #[serde(flatten)]
    pub view: SubscriptionView,
    /// The HMAC key of a webhook subscription. Shown only now: keep it.
    pub webhook_secret: Option<String>,
}

/// A subscription request (JSON or the page's form).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SubscriptionBody {
    /// `email`, `webhook` or `atom`.
    pub channel: String,
    /// `id` (default) or `en`.
    #[serde(default)]
    pub language: Option<String>,
    /// Disease ids, comma-separated in forms; empty: any disease.
    #[serde(default)]
    pub diseases: Option<String>,
    /// Country (ISO3), province or regency code; empty: anywhere.
    #[serde(default)]
    pub place: Option<String>,
    /// `low` (default), `medium` or `high`.
    #[serde(default)]
    pub min_severity: Option<String>,
    /// `new` (default) or `escalated`.
    #[serde(default)]
    pub trigger: Option<String>,
    /// Address (channel `email`).
    #[serde(default)]
    pub email: Option<String>,
    /// `immediate` (default) or `daily` (channel `email`).
    #[serde(default)]
    pub digest: Option<String>,
    /// Target (channel `webhook`): `http://` or `https://`.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// `json` (default) or `cap` (channel `webhook`).
    #[serde(default)]
    pub webhook_format: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn one_of<'a>(
    field: &str,
    v: &'a Option<String>,
    allowed: &[&'a str],
) -> Result<&'a str, ApiError> {
    match given(v) {
        None => Ok(allowed[0]),
        Some(x) => allowed.iter().find(|a| **a == x).copied().ok_or_else(|| {
            ApiError::bad_request(format!(
                "{field} must be one of {}, not {x:?}",
                allowed.join(", ")
            ))
        }),
    }
}

/// Checks a request and turns it into a subscription of `user`.
fn new_subscription(
    body: &SubscriptionBody,
    user: &str,
) -> Result<(NewSubscription, Option<String>), ApiError> {
    let kb = waspada_kb::KnowledgeBase::embedded();
    let channel_given = Some(body.channel.clone());
    if given(&channel_given).is_none() {
        return Err(ApiError::bad_request(
            "channel is required: email, webhook or atom",
        ));
    }
    let channel = one_of("channel", &channel_given, &["email", "webhook", "atom"])?;
    let mut s = NewSubscription {
        user: user.to_string(),
        language: one_of("language", &body.language, &["id", "en"])?.into(),
        min_severity: one_of(
            "min_severity",
            &body.min_severity,
            &["low", "medium", "high"],
        )?
        .into(),
        trigger: one_of("trigger", &body.trigger, &["new", "escalated"])?.into(),
        channel: channel.into(),
        ..NewSubscription::default()
    };
    for d in given(&body.diseases)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        if kb.disease(d).is_none() {
            return Err(ApiError::bad_request(format!(
                "unknown disease id {d:?} (use ids as in /api/signals, e.g. dengue)"
            )));
        }
        s.diseases.push(d.to_string());
    }
    if let Some(p) = given(&body.place) {
        if kb.place(p).is_none() && kb.country(p).is_none() {
            return Err(ApiError::bad_request(format!(
                "unknown place code {p:?}: use a country (IDN), province (32) or regency (32.05) code"
            )));
        }
        s.place_code = Some(p.to_string());
    }
    let mut secret = None;
    match channel {
        "email" => {
            let to = given(&body.email)
                .ok_or_else(|| ApiError::bad_request("email is required for channel email"))?;
            if !waspada_alert::email::is_address(to) {
                return Err(ApiError::bad_request(format!(
                    "{to:?} is not an e-mail address"
                )));
            }
            s.email = Some(to.to_string());
            s.digest = Some(one_of("digest", &body.digest, &["immediate", "daily"])?.into());
        }
        "webhook" => {
            let url = given(&body.webhook_url).ok_or_else(|| {
                ApiError::bad_request("webhook_url is required for channel webhook")
            })?;
            let lower = url.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.len() > 2000
            {
                return Err(ApiError::bad_request(
                    "webhook_url must be an http:// or https:// address",
                ));
            }
            s.webhook_url = Some(url.to_string());
            s.webhook_format =
                Some(one_of("webhook_format", &body.webhook_format, &["json", "cap"])?.into());
            let key =
                random_token(32).map_err(|e| ApiError::internal("making a webhook secret", e))?;
            s.webhook_secret = Some(key.clone());
            secret = Some(key);
        }
        _ => {
            s.feed_token =
                Some(random_token(32).map_err(|e| ApiError::internal("making a feed token", e))?);
        }
    }
    Ok((s, secret))
}

fn view(state: &AppState, s: Subscription) -> SubscriptionView {
    let feed_url = s.feed_token.as_ref().map(|t| {
        format!(
            "{}/feeds/{t}.atom",
            state.alerts.base_url.trim_end_matches('/')
        )
    });
    SubscriptionView {
        subscription: s,
        feed_url,
    }
}

async fn create(
    state: &AppState,
    body: SubscriptionBody,
    who: &Identity,
) -> Result<CreatedSubscription, ApiError> {
    let (new, secret) = new_subscription(&body, &who.user)?;
    let stored = state
        .with_workplace(move |s| Ok(s.add_subscription(&new)?))
        .await?;
    Ok(CreatedSubscription {
        view: view(state, stored),
        webhook_secret: secret,
    })
}

async fn list(state: &AppState, who: &Identity) -> Result<Vec<SubscriptionView>, ApiError> {
    let user = who.user.clone();
    let subs = state
        .with_workplace(move |s| Ok(s.subscriptions(Some(&user))?))
        .await?;
    Ok(subs.into_iter().map(|s| view(state, s)).collect())
}

async fn remove(state: &AppState, id: i64, who: &Identity) -> Result<(), ApiError> {
    let user = who.user.clone();
    let deleted = state
        .with_workplace(move |s| Ok(s.delete_subscription(id, Some(&user))?))
        .await?;
    if deleted {
        Ok(())
    } else {
        Err(ApiError::not_found(format!(
            "no subscription {id} of {}",
            who.user
        )))
    }
}

/// `GET /api/subscriptions`: the acting user's subscriptions.
pub(crate) async fn list_subscriptions(
    State(state): State<AppState>,
    who: Identity,
) -> Result<Json<Vec<SubscriptionView>>, ApiError> {
    list(&state, &who).await.map(Json)
}

/// `POST /api/subscriptions`.
pub(crate) async fn create_subscription(
    State(state): State<AppState>,
    who: Identity,
    J(body): J<SubscriptionBody>,
) -> Result<Response, ApiError> {
    let created = create(&state, body, &who).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// `DELETE /api/subscriptions/{id}`: only the owner's.
pub(crate) async fn delete_subscription(
    State(state): State<AppState>,
    who: Identity,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    remove(&state, id, &who)
        .await
        .map(|()| StatusCode::NO_CONTENT)
}

/// Filters of `GET /api/alerts`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AlertParams {
    /// `pending`, `sent`, `failed` or `cancelled`.
    pub status: Option<String>,
    /// `email`, `webhook` or `atom`.
    pub channel: Option<String>,
    /// Page size (default 50, at most 500).
    pub limit: Option<usize>,
    /// Rows to skip.
    pub offset: Option<usize>,
}

/// A page of alerts.
#[derive(Debug, Clone, Serialize)]
pub struct AlertPage {
    /// Alerts matching, in all.
    pub total: usize,
    /// Page size.
    pub limit: usize,
    /// Rows skipped.
    pub offset: usize,
    /// This page, newest first.
    pub items: Vec<AlertRow>,
}

/// `GET /api/alerts`.
pub(crate) async fn list_alerts(
    State(state): State<AppState>,
    Q(p): Q<AlertParams>,
) -> Result<Json<AlertPage>, ApiError> {
    let status = given(&p.status).map(str::to_string);
    if let Some(s) = &status
        && !["pending", "sent", "failed", "cancelled"].contains(&s.as_str())
    {
        return Err(ApiError::bad_request(
            "status must be pending, sent, failed or cancelled",
        ));
    }
    let channel = given(&p.channel).map(str::to_string);
    if let Some(c) = &channel
        && !["email", "webhook", "atom"].contains(&c.as_str())
    {
        return Err(ApiError::bad_request(
            "channel must be email, webhook or atom",
        ));
    }
    let limit = p.limit.unwrap_or(50);
    if limit == 0 || limit > 500 {
        return Err(ApiError::bad_request("limit must be 1-500"));
    }
    let offset = p.offset.unwrap_or(0);
    let f = AlertFilter {
        status,
        channel,
        subscription_id: None,
        limit,
        offset,
    };
    state
        .with_workplace(move |s| {
            Ok(AlertPage {
                total: s.count_alerts(&f)?,
                limit,
                offset,
                items: s.alerts(&f)?,
            })
        })
        .await
        .map(Json)
}

fn cap_for(store: &dyn Workplace, state: &AppState, id: i64) -> Result<String, ApiError> {
    let Some((signal, detected_at)) = store.signal_with_time(id)? else {
        return Err(ApiError::not_found(format!("no signal {id}")));
    };
    if signal.status != "escalated" {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "signal {id} is {}; CAP messages are issued for escalated signals only",
                signal.status
            ),
        ));
    }
    let kb = waspada_kb::KnowledgeBase::embedded();
    let facts: Vec<(Lang, SignalFacts)> = [Lang::Id, Lang::En]
        .map(|l| (l, SignalFacts::new(kb, &signal, l, &state.alerts.base_url)))
        .to_vec();
    let ctx = CapContext {
        sender: state.alerts.sender.clone(),
        synthetic: state.synthetic,
        detected_at,
        escalations: store.escalations(id)?,
    };
    Ok(alert_xml(&facts, &ctx))
}

/// `GET /api/signals/{id}/cap.xml`: the CAP 1.2 message of an escalated signal.
pub(crate) async fn signal_cap(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let st = state.clone();
    let xml = state.with_workplace(move |s| cap_for(s, &st, id)).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

/// Most entries in a feed.
const FEED_ENTRIES: usize = 100;

/// `GET /feeds/{token}.atom`: the subscription's feed; 404 for an unknown token (the same
/// answer as a deleted subscription, so tokens cannot be probed).
async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file
        .strip_suffix(".atom")
        .filter(|t| t.len() >= 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return ApiError::not_found("no such feed").into_response();
    };
    let token = token.to_string();
    let st = state.clone();
    let result = state
        .with_workplace(move |s| {
            let Some(sub) = s.subscription_by_feed_token(&token)? else {
                return Ok(None);
            };
            let lang = Lang::parse(&sub.language);
            let kb = waspada_kb::KnowledgeBase::embedded();
            let alerts = s.alerts(&AlertFilter {
                subscription_id: Some(sub.id),
                limit: FEED_ENTRIES,
                ..AlertFilter::default()
            })?;
            let mut entries = Vec::with_capacity(alerts.len());
            for a in alerts.iter().filter(|a| a.status == "sent") {
                if let Some((signal, _)) = s.signal_with_time(a.signal_id)? {
                    entries.push(FeedEntry {
                        facts: SignalFacts::new(kb, &signal, lang, &st.alerts.base_url),
                        at: a.sent_at.unwrap_or(a.created_at),
                    });
                }
            }
            let base = st.alerts.base_url.trim_end_matches('/');
            let self_url = format!("{base}/feeds/{token}.atom");
            Ok(Some(feed_xml(
                sub.id,
                &sub.user,
                lang,
                &self_url,
                base,
                &entries,
                st.synthetic,
            )))
        })
        .await;
    match result {
        Ok(Some(xml)) => (
            [
                (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
            ],
            xml,
        )
            .into_response(),
        Ok(None) => ApiError::not_found("no such feed").into_response(),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------- the page

/// One subscription as the page shows it (every string precomputed, escaped by askama).
struct SubRow {
    id: i64,
    channel: String,
    target: String,
    filters: String,
    language: String,
    created_at: i64,
}

/// The list part of the page: what htmx swaps after adding or removing.
struct ListData {
    rows: Vec<SubRow>,
    created: Option<CreatedSubscription>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "subscriptions.html")]
struct SubscriptionsPage {
    ui: Ui,
    l: ListData,
}

#[derive(Template)]
#[template(path = "subscription_list.html")]
struct SubscriptionList {
    ui: Ui,
    l: ListData,
}

/// Filters of a subscription, in words.
fn filters(ui: &Ui, s: &Subscription) -> String {
    let kb = waspada_kb::KnowledgeBase::embedded();
    let lang = ui.lang();
    let diseases = if s.diseases.is_empty() {
        ui.t("sub_any_disease").to_string()
    } else {
        s.diseases
            .iter()
            .map(|d| lang.disease(kb, d))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let place = s.place_code.as_deref().map_or_else(
        || ui.t("sub_anywhere").to_string(),
        |p| {
            lang.area(
                kb,
                if kb.country(p).is_some() {
                    "country"
                } else {
                    "regency"
                },
                p,
            )
        },
    );
    let severity = Severity::parse(&s.min_severity).unwrap_or(Severity::Low);
    format!(
        "{diseases} · {place} · {} ≥ {} · {}",
        ui.t("severity"),
        ui.tv("severity", severity.as_str()),
        ui.tv("sub_trigger", &s.trigger)
    )
}

/// Where the alerts go.
fn target(ui: &Ui, v: &SubscriptionView) -> String {
    let s = &v.subscription;
    match s.channel.as_str() {
        "email" => format!(
            "{} ({})",
            s.email.as_deref().unwrap_or_default(),
            ui.tv("sub_digest", s.digest.as_deref().unwrap_or("immediate"))
        ),
        "webhook" => format!(
            "{} ({})",
            s.webhook_url.as_deref().unwrap_or_default(),
            s.webhook_format.as_deref().unwrap_or("json")
        ),
        _ => v.feed_url.clone().unwrap_or_default(),
    }
}

async fn list_data(
    state: &AppState,
    ui: &Ui,
    who: &Identity,
    created: Option<CreatedSubscription>,
    error: Option<String>,
) -> Result<ListData, ApiError> {
    let rows = list(state, who)
        .await?
        .iter()
        .map(|v| SubRow {
            id: v.subscription.id,
            channel: ui.tv("sub_channel", &v.subscription.channel).to_string(),
            target: target(ui, v),
            filters: filters(ui, &v.subscription),
            language: v.subscription.language.clone(),
            created_at: v.subscription.created_at,
        })
        .collect();
    Ok(ListData {
        rows,
        created,
        error,
    })
}

async fn page(State(state): State<AppState>, ui: Ui, who: Identity) -> Response {
    let ui = ui.with_nav("settings");
    match list_data(&state, &ui, &who, None, None).await {
        Ok(l) => ui.render(&SubscriptionsPage { ui: ui.clone(), l }),
        Err(e) => ui.error(e),
    }
}

/// Answers a page form: the list alone for htmx (it swaps `#subscriptions`), the whole
/// page otherwise.
async fn answer(
    state: &AppState,
    ui: Ui,
    who: &Identity,
    headers: &HeaderMap,
    created: Option<CreatedSubscription>,
    error: Option<String>,
) -> Response {
    let ui = ui.with_nav("settings");
    let l = match list_data(state, &ui, who, created, error).await {
        Ok(l) => l,
        Err(e) => return ui.error(e),
    };
    if headers.contains_key("hx-request") {
        ui.render(&SubscriptionList { ui: ui.clone(), l })
    } else {
        ui.render(&SubscriptionsPage { ui: ui.clone(), l })
    }
}

async fn add_form(
    State(state): State<AppState>,
    ui: Ui,
    who: Identity,
    headers: HeaderMap,
    Form(body): Form<SubscriptionBody>,
) -> Response {
    match create(&state, body, &who).await {
        Ok(created) => answer(&state, ui, &who, &headers, Some(created), None).await,
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            answer(&state, ui, &who, &headers, None, Some(e.message)).await
        }
        Err(e) => ui.error(e),
    }
}

async fn delete_form(
    State(state): State<AppState>,
    ui: Ui,
    who: Identity,
    headers: HeaderMap,
    Id(id): Id,
) -> Response {
    match remove(&state, id, &who).await {
        Ok(()) if !headers.contains_key("hx-request") => {
            Redirect::to("/settings/subscriptions").into_response()
        }
        Ok(()) => answer(&state, ui, &who, &headers, None, None).await,
        Err(e) => answer(&state, ui, &who, &headers, None, Some(e.message)).await,
    }
}
