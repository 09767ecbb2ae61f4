//! Errors: JSON `{"error": "..."}` with a status code for the API; start-up errors for the
//! binary.

use std::net::SocketAddr;

use axum::Json;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The data directory, store or index could not be opened.
    #[error(transparent)]
    Pipeline(#[from] waspada_pipeline::PipelineError),
    /// The address is taken or not allowed.
    #[error("cannot listen on {addr}: {source} (is another server running on that port?)")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the server stopped: {0}")]
    Io(#[source] std::io::Error),
}

/// An error answer: a status code and a message for the person or program that asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, in words.
    pub message: String,
}

impl ApiError {
    /// An error with a status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404: no such resource.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 500: our fault; the details go to the log, not to the client.
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!("{context}: {error}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error while {context}; see the server log"),
        )
    }
}

impl From<waspada_store::StoreError> for ApiError {
    fn from(e: waspada_store::StoreError) -> Self {
        match e {
            // A shared database down or restarting: say so, and that it is worth retrying
            // (503 also tells a load balancer's health check).
            waspada_store::StoreError::Unavailable { .. } => {
                tracing::warn!("{e}");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database cannot be reached right now; try again in a minute \
                     (the server log says why)",
                )
            }
            e => ApiError::internal("reading the store", e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

/// The answer to a path nothing serves.
pub(crate) async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no such route: {}", uri.path()))
}

/// The answer to a known path asked with the wrong method.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this route",
    )
}
