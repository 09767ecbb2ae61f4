//! `/settings`: a small hub, the users page (`/settings/users`, admins only: the
//! [`crate::auth::guard`] layer enforces it for every path below it), and
//! `/settings/password`, where anyone logged in with a session changes their own password.
//! Also `GET /api/me` and `GET /api/users`.
//!
//! Account rules are those of [`crate::accounts`], the same as `waspada user`; the store
//! refuses to disable or demote the last enabled admin.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waspada_store::{Role, UserChange, UserRow, Workplace};

use crate::accounts::{self, AccountError, FREE_ACCOUNT_FAILURES};
use crate::api::Id;
use crate::auth::{CsrfToken, Identity, Via};
use crate::pages::Ui;
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/settings", get(hub))
        .route("/settings/users", get(users_page).post(add_user))
        .route("/settings/users/{id}/role", post(change_role))
        .route("/settings/users/{id}/disabled", post(change_disabled))
        .route(
            "/settings/password",
            get(password_page).post(change_own_password),
        )
}

#[derive(Template)]
#[template(path = "settings.html")]
struct HubPage {
    ui: Ui,
}

async fn hub(ui: Ui) -> Response {
    let ui = ui.with_nav("settings");
    ui.render(&HubPage { ui: ui.clone() })
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ui: Ui,
    users: Vec<UserRow>,
    roles: [Role; 3],
    error: Option<String>,
}

async fn users_view(state: &AppState, ui: Ui, error: Option<ApiError>) -> Response {
    let ui = ui.with_nav("settings");
    let users = match state.with_workplace(|s| Ok(s.users()?)).await {
        Ok(u) => u,
        Err(e) => return ui.error(e),
    };
    let status = error.as_ref().map(|e| e.status);
    let r = ui.render(&UsersPage {
        ui: ui.clone(),
        users,
        roles: Role::ALL,
        error: error.map(|e| e.message),
    });
    with_status(r, status)
}

/// A form page shown again with an error answers with the error's status.
fn with_status(mut r: Response, status: Option<StatusCode>) -> Response {
    if let Some(s) = status {
        *r.status_mut() = s;
    }
    r
}

async fn users_page(State(state): State<AppState>, ui: Ui) -> Response {
    users_view(&state, ui, None).await
}

fn account_error(e: AccountError) -> ApiError {
    match e {
        AccountError::Store(e) => e.into(),
        AccountError::Random(_) | AccountError::Hash(_) => ApiError::internal("adding a user", e),
        AccountError::Taken(_) => ApiError::new(StatusCode::CONFLICT, e.to_string()),
        _ => ApiError::bad_request(e.to_string()),
    }
}

fn change_error(change: UserChange, id: i64) -> Option<ApiError> {
    match change {
        UserChange::Done => None,
        UserChange::NoSuchUser => Some(ApiError::not_found(format!("no user {id}"))),
        UserChange::LastAdmin => Some(ApiError::new(
            StatusCode::CONFLICT,
            "refused: no enabled admin would be left to manage users",
        )),
    }
}

/// The add-user form.
#[derive(Debug, Deserialize)]
struct NewUserForm {
    name: String,
    role: String,
    password: String,
}

async fn add_user(
    State(state): State<AppState>,
    ui: Ui,
    who: Identity,
    Form(f): Form<NewUserForm>,
) -> Response {
    let Some(role) = Role::parse(&f.role) else {
        return users_view(&state, ui, Some(ApiError::bad_request("unknown role"))).await;
    };
    let name = f.name.trim().to_string();
    let added = state
        .with_workplace(move |s| {
            accounts::create_user(s, &name, role, &f.password).map_err(account_error)?;
            tracing::info!("{} added user {name} ({role})", who.user);
            Ok(())
        })
        .await;
    match added {
        Ok(()) => Redirect::to("/settings/users").into_response(),
        Err(e) => users_view(&state, ui, Some(e)).await,
    }
}

/// The change-role form.
#[derive(Debug, Deserialize)]
struct RoleForm {
    role: String,
}

async fn change_role(
    State(state): State<AppState>,
    ui: Ui,
    Id(id): Id,
    who: Identity,
    Form(f): Form<RoleForm>,
) -> Response {
    let Some(role) = Role::parse(&f.role) else {
        return users_view(&state, ui, Some(ApiError::bad_request("unknown role"))).await;
    };
    apply(&state, ui, id, move |s| {
        let c = s.set_role(id, role)?;
        tracing::info!("{} set the role of user {id} to {role}: {c:?}", who.user);
        Ok(c)
    })
    .await
}

/// The disable/enable form.
#[derive(Debug, Deserialize)]
struct DisabledForm {
    disabled: bool,
}

async fn change_disabled(
    State(state): State<AppState>,
    ui: Ui,
    Id(id): Id,
    who: Identity,
    Form(f): Form<DisabledForm>,
) -> Response {
    apply(&state, ui, id, move |s| {
        let c = s.set_disabled(id, f.disabled)?;
        tracing::info!(
            "{} set disabled={} on user {id}: {c:?}",
            who.user,
            f.disabled
        );
        Ok(c)
    })
    .await
}

/// Runs a change to user `id`, then goes back to the users page, or shows it with the
/// reason the change was refused.
async fn apply(
    state: &AppState,
    ui: Ui,
    id: i64,
    change: impl FnOnce(&mut dyn Workplace) -> Result<UserChange, ApiError> + Send + 'static,
) -> Response {
    match state
        .with_workplace(change)
        .await
        .map(|c| change_error(c, id))
    {
        Ok(None) => Redirect::to("/settings/users").into_response(),
        Ok(Some(e)) | Err(e) => users_view(state, ui, Some(e)).await,
    }
}

/// `GET /api/me`: who the request is authenticated as.
#[derive(Debug, Clone, Serialize)]
pub struct Me {
    /// User or token name.
    pub user: String,
    /// Role.
    pub role: Role,
    /// `session` or `token`.
    pub via: Via,
    /// The CSRF token to send (header `X-CSRF-Token`) with changes, for sessions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

pub(crate) async fn me(who: Identity, csrf: Option<axum::Extension<CsrfToken>>) -> Json<Me> {
    Json(Me {
        user: who.user,
        role: who.role,
        via: who.via,
        csrf_token: csrf.map(|axum::Extension(t)| t.0),
    })
}

/// `GET /api/users` (admins): every account.
#[derive(Debug, Clone, Serialize)]
pub struct Users {
    /// The accounts, by name.
    pub users: Vec<UserRow>,
}

pub(crate) async fn list_users(State(state): State<AppState>) -> Result<Json<Users>, ApiError> {
    let users = state.with_workplace(|s| Ok(s.users()?)).await?;
    Ok(Json(Users { users }))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    ui: Ui,
    error: Option<String>,
}

fn password_view(ui: Ui, error: Option<ApiError>) -> Response {
    let ui = ui.with_nav("settings");
    let status = error.as_ref().map(|e| e.status);
    let r = ui.render(&PasswordPage {
        ui: ui.clone(),
        error: error.map(|e| e.message),
    });
    with_status(r, status)
}

async fn password_page(ui: Ui) -> Response {
    password_view(ui, None)
}

/// The change-password form.
#[derive(Debug, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// Checks the current password (a wrong one counts as a failed login of the account, so
/// the form cannot be used to guess it), sets the new one, ends every session of the
/// user and sends them to the login page.
async fn change_own_password(
    State(state): State<AppState>,
    ui: Ui,
    who: Identity,
    Form(f): Form<PasswordForm>,
) -> Response {
    if who.via != Via::Session {
        let e = ApiError::new(
            StatusCode::FORBIDDEN,
            "an API token has no password; an admin revokes and makes tokens",
        );
        return password_view(ui, Some(e));
    }
    let keys = [(
        format!("user:{}", who.user.to_lowercase()),
        FREE_ACCOUNT_FAILURES,
    )];
    let now = waspada_store::now_ms();
    if let Some(wait) = state.throttle.locked(&keys, now) {
        let e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many wrong passwords: try again in {} minute(s)",
                (wait + 59_999) / 60_000
            ),
        );
        return password_view(ui, Some(e));
    }
    if f.new != f.confirm {
        let e = ApiError::bad_request("the two new passwords differ");
        return password_view(ui, Some(e));
    }
    let name = who.user.clone();
    let changed = state
        .with_workplace(move |s| {
            let creds = s.credentials(&name)?.filter(|c| !c.user.disabled);
            let Some(c) = creds else {
                return Ok(false);
            };
            if !accounts::verify_password(&f.current, &c.password_hash) {
                return Ok(false);
            }
            accounts::change_password(s, &name, &f.new).map_err(account_error)?;
            Ok(true)
        })
        .await;
    match changed {
        Ok(true) => {
            state.throttle.succeeded(&keys[0].0);
            tracing::info!("{} changed their password", who.user);
            // The store ended every session of the user, this one too.
            let mut r = Redirect::to("/login").into_response();
            r.headers_mut().insert(
                axum::http::header::SET_COOKIE,
                crate::login::session_cookie(&state, None),
            );
            r
        }
        Ok(false) => {
            state.throttle.failed(&keys, now);
            tracing::warn!("wrong current password for {}", who.user);
            let e = ApiError::new(StatusCode::FORBIDDEN, "the current password is wrong");
            password_view(ui, Some(e))
        }
        Err(e) => password_view(ui, Some(e)),
    }
}
