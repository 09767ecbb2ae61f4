//! `/login` and `/logout`: the only way a person gets a session (see [`crate::auth`] for
//! the cookie and why it looks as it does).
//!
//! A failed login says the same thing whether the user is unknown, disabled or typed the
//! wrong password, and takes the same time (an unknown user still costs one argon2
//! verification). Failures slow further attempts down per account and per client address
//! ([`crate::accounts`]).

use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::accounts::{self, FREE_ACCOUNT_FAILURES, FREE_ADDRESS_FAILURES, sha256_hex};
use crate::auth::{SESSION_COOKIE, SESSION_HOURS, cookie, local_next};
use crate::pages::Ui;
use crate::{ApiError, AppState, MAX_BODY_BYTES};

pub(crate) fn routes() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ui: Ui,
    next: String,
    name: String,
    /// An i18n key for the message, if any.
    message: Option<&'static str>,
    /// Minutes to wait, after too many failures.
    wait_minutes: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct NextParam {
    #[serde(default)]
    next: Option<String>,
}

async fn login_page(ui: Ui, Query(q): Query<NextParam>) -> Response {
    ui.render(&LoginPage {
        ui: ui.clone(),
        next: local_next(q.next.as_deref()).to_string(),
        name: String::new(),
        message: None,
        wait_minutes: None,
    })
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// A session cookie (or, with `value` `None`, one that deletes it).
pub(crate) fn session_cookie(state: &AppState, value: Option<&str>) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let (v, age) = match value {
        Some(v) => (v, SESSION_HOURS * 3600),
        None => ("", 0),
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={v}; Path=/; Max-Age={age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("waspada_session=; Path=/; Max-Age=0"))
}

async fn login_submit(State(state): State<AppState>, ui: Ui, req: Request) -> Response {
    let address = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let old_session = cookie(req.headers(), SESSION_COOKIE).map(sha256_hex);
    let bytes = match axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return ui.error(ApiError::bad_request("the login form is too large")),
    };
    let Ok(form) = serde_urlencoded::from_bytes::<LoginForm>(&bytes) else {
        return ui.error(ApiError::bad_request("the login form could not be read"));
    };
    let name = form.username.trim().to_string();
    let next = local_next(form.next.as_deref()).to_string();
    let account_key = format!("user:{}", name.to_lowercase());
    let mut keys = vec![(account_key.clone(), FREE_ACCOUNT_FAILURES)];
    if let Some(ip) = address {
        keys.push((format!("ip:{ip}"), FREE_ADDRESS_FAILURES));
    }
    let now = waspada_store::now_ms();
    let page = |message, wait_minutes, status| {
        let mut r = ui.render(&LoginPage {
            ui: ui.clone(),
            next: next.clone(),
            name: name.clone(),
            message: Some(message),
            wait_minutes,
        });
        *r.status_mut() = status;
        r
    };
    if let Some(wait) = state.throttle.locked(&keys, now) {
        let minutes = (wait + 59_999) / 60_000;
        return page("login_locked", Some(minutes), StatusCode::TOO_MANY_REQUESTS);
    }
    let password = form.password;
    let who = name.clone();
    let result = state
        .with_workplace(move |s| {
            let creds = s.credentials(&who)?.filter(|c| !c.user.disabled);
            let Some(c) = creds else {
                accounts::verify_nothing(&password);
                return Ok(None);
            };
            if !accounts::verify_password(&password, &c.password_hash) {
                return Ok(None);
            }
            let id = accounts::random_hex(32)
                .map_err(|e| ApiError::internal("making a session id", e))?;
            if let Some(old) = old_session {
                s.end_session(&old)?;
            }
            let expires = now + SESSION_HOURS * 3_600_000;
            s.create_session(&sha256_hex(&id), c.user.id, now, expires)?;
            Ok(Some(id))
        })
        .await;
    match result {
        Ok(Some(id)) => {
            state.throttle.succeeded(&account_key);
            tracing::info!("login: {name}");
            let mut r = Redirect::to(&next).into_response();
            r.headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&state, Some(&id)));
            r
        }
        Ok(None) => {
            state.throttle.failed(&keys, now);
            tracing::warn!("failed login for {name:?} from {address:?}");
            page("login_failed", None, StatusCode::UNAUTHORIZED)
        }
        Err(e) => ui.error(e),
    }
}

/// Ends the session in the store and deletes the cookie.
async fn logout(State(state): State<AppState>, req: Request) -> Response {
    if let Some(hash) = cookie(req.headers(), SESSION_COOKIE).map(sha256_hex)
        && let Err(e) = state
            .with_workplace(move |s| Ok(s.end_session(&hash)?))
            .await
    {
        return e.into_response();
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, None));
    r
}
