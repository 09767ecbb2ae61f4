//! Who is acting, and whether they may: one router-level layer ([`guard`]) in front of
//! every route, so a route added later is covered without doing anything.
//!
//! # What the layer does, in order
//!
//! 1. **Public paths** pass: `/login`, `/healthz`, `/assets/*`, `/api/openapi.json`, and
//!    the Atom feeds under `/feeds/`, whose unguessable address is their only credential
//!    because feed readers cannot log in ([`is_public`]). A `POST /login` must still come from this site (below).
//! 2. **Authentication.** `Authorization: Bearer <token>` (an API token, for machines) or
//!    the session cookie [`SESSION_COOKIE`] (people, after `/login`). A bearer header that
//!    is not a live token is refused, never ignored. Without either, pages redirect to
//!    `/login?next=<where they were going>` and `/api` answers a JSON 401.
//! 3. **CSRF**, for requests that change something (not GET/HEAD/OPTIONS) and came with
//!    the session cookie: a `Sec-Fetch-Site` other than `same-origin`/`none` or an
//!    `Origin` other than this host is refused (`Origin: null`, which browsers send for
//!    forms under the pages' `Referrer-Policy: no-referrer`, only with `Sec-Fetch-Site:
//!    same-origin`), and the session's CSRF token must come in
//!    the [`CSRF_HEADER`] header (htmx sends it on every request: `hx-headers` on
//!    `<body>`) or as the [`CSRF_FIELD`] field of a form body (every `<form
//!    method="post">` has it hidden). Bearer requests need no token: a browser never adds
//!    that header by itself.
//! 4. **Roles** ([`Role`]): every change needs `analyst` or above (except `POST /logout`);
//!    `/settings/users` and `/api/users` need `admin`. Refusals are 403 with the reason.
//! 5. The [`Identity`] (name, role, how authenticated) goes into the request extensions,
//!    where the [`Identity`] extractor and the pages read it.
//!
//! # Sessions
//!
//! A login makes a new random session id (rotation: an id planted before the login is
//! worth nothing after it, and the old session is ended); the store keeps only its
//! SHA-256. The cookie is `HttpOnly`, `Path=/`, `Max-Age` of [`SESSION_HOURS`] (the
//! session also ends server-side then), and `SameSite=Lax`: alert e-mails link to
//! signals, and with `Strict` a click from a mail client would open the login page even
//! when logged in; `Lax` sends the cookie only with top-level GET navigations from other
//! sites, and GETs change nothing while every change needs the CSRF token and a
//! same-site origin. The cookie is `Secure` unless [`crate::AppState::secure_cookies`]
//! is turned off (`waspada serve --plain-http`, allowed on loopback addresses only):
//! Chromium and Firefox keep `Secure` cookies on `http://localhost` and
//! `http://127.0.0.1`, so the default works for a browser on the same machine and only
//! other HTTP clients (old Safari, scripts with cookie jars) need the switch. Logout ends
//! the session in the store, and so do disabling a user and a new password.
//!
//! The CSRF token is the SHA-256 of a fixed label and the session id: per session,
//! unguessable without the id, stored nowhere, and not derivable from the stored hash.
//!
//! # Behind a reverse proxy
//!
//! The origin check compares `Origin` with the `Host` header: a proxy must pass the
//! client's `Host` on (nginx: `proxy_set_header Host $host;`). The login slow-down counts
//! per client address, which is the proxy's address there; the per-account count still
//! holds.
//!
//! # Why no session crate
//!
//! `tower-sessions` and `axum-login` would bring their own store traits, a cookie crate,
//! and a second model of users beside the store's; what is needed here (a hashed id in
//! SQLite, one cookie, one layer) is a page of code on crates already in the tree plus
//! `argon2` and `sha2`.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;

pub use waspada_store::Role;

use crate::accounts::sha256_hex;
use crate::{ApiError, AppState, MAX_BODY_BYTES};

/// The session cookie.
pub const SESSION_COOKIE: &str = "waspada_session";

/// The request header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

/// How long a session lasts (a working day and a half), in hours.
pub const SESSION_HOURS: i64 = 12;

/// How a request was authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The session cookie of a logged-in person.
    Session,
    /// An API token (`Authorization: Bearer`).
    Token,
}

/// The acting user of a request, as the [`guard`] layer authenticated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// User (or token) name, as recorded in histories.
    pub user: String,
    /// What they may do.
    pub role: Role,
    /// How they were authenticated.
    pub via: Via,
}

impl Identity {
    /// Whether `name` is a plausible name to record (1–64 characters, no control
    /// characters), e.g. for an assignee.
    pub fn plausible_name(name: &str) -> bool {
        let name = name.trim();
        !name.is_empty() && name.chars().count() <= 64 && !name.chars().any(char::is_control)
    }
}

/// The session's CSRF token, in the request extensions of session requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsrfToken(pub(crate) String);

/// The CSRF token of a session id.
pub(crate) fn csrf_token_of(session_id: &str) -> String {
    sha256_hex(&format!("waspada-csrf\u{0}{session_id}"))
}

impl<S: Send + Sync> FromRequestParts<S> for Identity {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Identity>()
            .cloned()
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "log in first (no identity)"))
    }
}

/// Paths anyone may request.
pub fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/healthz" | "/api/openapi.json")
        || path.starts_with("/assets/")
        || path.starts_with("/feeds/")
}

/// Paths only admins may request.
pub fn is_admin_only(path: &str) -> bool {
    ["/settings/users", "/api/users"]
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
}

/// Changes any role may make, because they concern only the user's own account:
/// logging out and changing one's own password.
pub fn is_self_service(path: &str) -> bool {
    matches!(path, "/logout" | "/settings/password")
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The value of cookie `name`.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// Refuses requests a page of another site made the browser send.
fn cross_site(headers: &HeaderMap) -> Option<&'static str> {
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return Some("request from another site refused (Sec-Fetch-Site)");
    }
    if let Some(origin) = get(header::ORIGIN.as_str()) {
        let same = match (origin.split_once("://"), get(header::HOST.as_str())) {
            (Some((_, authority)), Some(host)) => authority.eq_ignore_ascii_case(host),
            _ => false,
        };
        // Browsers send `Origin: null` with a form posted under `Referrer-Policy:
        // no-referrer`, which the pages set: then only `Sec-Fetch-Site` can vouch for it.
        let vouched = origin == "null" && get("sec-fetch-site") == Some("same-origin");
        if !same && !vouched {
            return Some("request from another site refused (Origin is not this server)");
        }
    }
    None
}

/// How often a token's last use is written: an hour is precise enough to spot a token
/// nobody uses any more.
const TOKEN_USE_GRANULARITY_MS: i64 = 3600 * 1000;

/// The UTC day of an epoch-ms time, `YYYY-MM-DD`.
fn day(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Reads the session from the cookie or the token from the bearer header.
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Identity, Option<String>)>, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "the Authorization header must be `Bearer <token>`",
                )
            })?;
        let hash = sha256_hex(&token);
        let now = waspada_store::now_ms();
        let row = state
            .with_workplace(move |s| {
                let row = s.token(&hash)?;
                // The last use is written at most once per TOKEN_USE_GRANULARITY_MS, so a
                // busy script does not make every request a write.
                if let Some(t) = &row
                    && !t.is_expired(now)
                    && t.last_used_at
                        .is_none_or(|at| now - at >= TOKEN_USE_GRANULARITY_MS)
                {
                    s.touch_token(t.id, now)?;
                }
                Ok(row)
            })
            .await?;
        return match row {
            Some(t) if t.is_expired(now) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                format!(
                    "this API token ({}) expired on {}; an administrator can make a new one \
                     with `waspada token add {} --role {}`",
                    t.name,
                    t.expires_at.map(day).unwrap_or_default(),
                    t.name,
                    t.role
                ),
            )),
            Some(t) => Ok(Some((
                Identity {
                    user: t.name,
                    role: t.role,
                    via: Via::Token,
                },
                None,
            ))),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this API token is not valid (mistyped or revoked); an administrator can make \
                 a new one with `waspada token add`",
            )),
        };
    }
    let Some(id) = cookie(headers, SESSION_COOKIE).map(str::to_string) else {
        return Ok(None);
    };
    let hash = sha256_hex(&id);
    let now = waspada_store::now_ms();
    let user = state
        .with_workplace(move |s| Ok(s.session_user(&hash, now)?))
        .await?;
    Ok(user.map(|u| {
        (
            Identity {
                user: u.name,
                role: u.role,
                via: Via::Session,
            },
            Some(csrf_token_of(&id)),
        )
    }))
}

/// The CSRF token sent with a request: the header, or the form field (the body is
/// buffered and handed on unchanged).
async fn sent_csrf_token(req: Request) -> Result<(Option<String>, Request), ApiError> {
    if let Some(v) = req.headers().get(CSRF_HEADER) {
        let token = v.to_str().ok().map(str::to_string);
        return Ok((token, req));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((None, req));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the form is larger than {MAX_BODY_BYTES} bytes"),
            )
        })?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD))
        .map(|(_, v)| v);
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// Where the login page sends someone back to: a path on this server, or `/signals`.
/// Anything else (`//evil.example`, `https://…`, backslashes, control characters) is an
/// open redirect waiting to happen and is dropped.
pub fn local_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control)
                && !n.starts_with("/login") =>
        {
            n
        }
        _ => "/signals",
    }
}

/// The router-level layer: authentication, CSRF and roles for every route (see the module
/// docs). Installed by [`crate::router`] after all routes, so it covers each of them.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let api = path == "/api" || path.starts_with("/api/");
    let safe = is_safe(req.method());
    if is_public(&path) {
        if !safe && let Some(why) = cross_site(req.headers()) {
            return refuse(&state, req, api, ApiError::new(StatusCode::FORBIDDEN, why)).await;
        }
        return next.run(req).await;
    }
    let (who, csrf) = match authenticate(&state, req.headers()).await {
        Ok(Some(found)) => found,
        Ok(None) => return unauthenticated(api, safe, &req),
        Err(e) => return refuse(&state, req, api, e).await,
    };
    let mut req = req;
    if !safe && who.via == Via::Session {
        if let Some(why) = cross_site(req.headers()) {
            return refuse(&state, req, api, ApiError::new(StatusCode::FORBIDDEN, why)).await;
        }
        let (sent, r) = match sent_csrf_token(req).await {
            Ok(x) => x,
            Err(e) => return e.into_response(),
        };
        req = r;
        let expected = csrf.as_deref().unwrap_or_default();
        let ok = sent.is_some_and(|s| bool::from(s.as_bytes().ct_eq(expected.as_bytes())));
        if !ok {
            let e = ApiError::new(
                StatusCode::FORBIDDEN,
                "the CSRF token is missing or wrong (the page may be out of date): reload the \
                 page and try again",
            );
            return refuse(&state, req, api, e).await;
        }
    }
    if !safe && !is_self_service(&path) && who.role < Role::Analyst {
        let e = ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "{} has the role {}: changes need the role analyst or admin",
                who.user, who.role
            ),
        );
        return refuse(&state, req, api, e).await;
    }
    if is_admin_only(&path) && who.role < Role::Admin {
        let e = ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "{} has the role {}: this needs the role admin",
                who.user, who.role
            ),
        );
        return refuse(&state, req, api, e).await;
    }
    if let Some(t) = csrf {
        req.extensions_mut().insert(CsrfToken(t));
    }
    req.extensions_mut().insert(who);
    next.run(req).await
}

/// No session and no token: the login page for people, a 401 for programs.
fn unauthenticated(api: bool, safe: bool, req: &Request) -> Response {
    if api {
        let mut r = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "log in first: send `Authorization: Bearer <token>` (see `waspada token add`) or \
             the session cookie of /login",
        )
        .into_response();
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return r;
    }
    let target = if safe {
        let here = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        format!("/login?next={}", crate::pages::enc(&here))
    } else {
        "/login".to_string()
    };
    if req.headers().contains_key("hx-request") {
        // htmx follows redirects inside the page; this header makes it load the login page.
        let mut r = StatusCode::UNAUTHORIZED.into_response();
        if let Ok(v) = HeaderValue::from_str(&target) {
            r.headers_mut().insert("hx-redirect", v);
        }
        return r;
    }
    Redirect::to(&target).into_response()
}

/// A refusal: JSON for the API, the error page for people.
async fn refuse(state: &AppState, req: Request, api: bool, e: ApiError) -> Response {
    if api {
        return e.into_response();
    }
    let (mut parts, _) = req.into_parts();
    crate::pages::error_page(&mut parts, state, e).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_server() {
        assert_eq!(local_next(Some("/signals/3?lang=en")), "/signals/3?lang=en");
        for bad in [
            "//evil.example/x",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "/login?next=//x",
            "/\t/evil.example",
        ] {
            assert_eq!(local_next(Some(bad)), "/signals", "{bad:?}");
        }
        assert_eq!(local_next(None), "/signals");
    }

    #[test]
    fn path_classes() {
        assert!(is_public("/assets/app.js") && is_public("/login"));
        assert!(is_public("/feeds/0123abcd.atom") && !is_public("/feedsx"));
        assert!(!is_public("/login/x") && !is_public("/api/signals") && !is_public("/"));
        assert!(is_admin_only("/settings/users") && is_admin_only("/api/users/3"));
        assert!(!is_admin_only("/settings/usersx") && !is_admin_only("/settings"));
        assert!(is_self_service("/logout") && is_self_service("/settings/password"));
        assert!(!is_self_service("/settings/users") && !is_self_service("/settings/password/x"));
    }

    #[test]
    fn origin_must_be_this_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(cross_site(&h), None, "no Origin: not a browser form");
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert_eq!(cross_site(&h), None);
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(cross_site(&h).is_some());
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(cross_site(&h).is_some());
        // A form under `Referrer-Policy: no-referrer`, as Chromium sends it.
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert_eq!(cross_site(&h), None);
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(cross_site(&h).is_some());
        h.remove(header::ORIGIN);
        assert!(cross_site(&h).is_some());
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert_eq!(cross_site(&h), None);
    }
}
