//! Who is acting. **PLACEHOLDER: there is no authentication yet.**
//!
//! Handlers that write take an [`Identity`], so that real authentication (sessions, API
//! tokens, roles, CSRF tokens on forms) can replace this extractor without touching them.
//! Until then the identity is whatever the client claims in the `X-Waspada-User` header,
//! or `anonymous`: it is recorded in the triage history for traceability, and it proves
//! nothing. Do not expose this server beyond a trusted network.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The header a client names its user in (unauthenticated; see the module docs).
pub const USER_HEADER: &str = "x-waspada-user";

/// The user recorded when none is named.
pub const ANONYMOUS: &str = "anonymous";

/// The acting user of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// User name as recorded in histories.
    pub user: String,
}

impl Identity {
    /// A claimed user name, if it is a plausible one (1–64 printable characters).
    pub fn claimed(name: &str) -> Option<Identity> {
        let name = name.trim();
        (!name.is_empty() && name.chars().count() <= 64 && !name.chars().any(char::is_control))
            .then(|| Identity {
                user: name.to_string(),
            })
    }

    fn anonymous() -> Identity {
        Identity {
            user: ANONYMOUS.to_string(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Identity {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .headers
            .get(USER_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(Identity::claimed)
            .unwrap_or_else(Identity::anonymous))
    }
}
