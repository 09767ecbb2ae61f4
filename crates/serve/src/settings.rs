//! `/settings`: a small hub, and the users page (`/settings/users`, admins only: the
//! [`crate::auth::guard`] layer enforces it for every path below it). Also `GET /api/me`
//! and `GET /api/users`.
//!
//! Account rules are those of [`crate::accounts`], the same as `waspada user`; the store
//! refuses to disable or demote the last enabled admin.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waspada_store::{Role, Store, UserChange, UserRow};

use crate::accounts::{self, AccountError};
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
    let users = match state.with_store(|s| Ok(s.users()?)).await {
        Ok(u) => u,
        Err(e) => return ui.error(e),
    };
    let status = error.as_ref().map(|e| e.status);
    let mut r = ui.render(&UsersPage {
        ui: ui.clone(),
        users,
        roles: Role::ALL,
        error: error.map(|e| e.message),
    });
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
        .with_store(move |s| {
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
    change: impl FnOnce(&mut Store) -> Result<UserChange, ApiError> + Send + 'static,
) -> Response {
    match state.with_store(change).await.map(|c| change_error(c, id)) {
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
    let users = state.with_store(|s| Ok(s.users()?)).await?;
    Ok(Json(Users { users }))
}
