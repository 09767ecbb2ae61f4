//! Users, login sessions and API tokens: who may read and who may act.
//!
//! The store keeps no secret in a usable form. Password hashes arrive here already hashed
//! (argon2id, by `waspada-serve`); session ids and tokens arrive as SHA-256 hashes, so the
//! database file alone can neither log anyone in nor call the API. A session or token is
//! found by its hash (an index lookup); a user's role is read at every request, so a role
//! change or a disabled account takes effect at once, and disabling or a new password ends
//! the user's sessions.

use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::{Result, Store, StoreError};

/// What a user or token may do. Ordered: each role can do what the ones before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads pages and the API.
    Viewer,
    /// Also triages signals and makes other changes to the surveillance data.
    Analyst,
    /// Also manages users.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Analyst, Role::Admin];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// Reads a stored or typed name (case-insensitive).
    pub fn parse(name: &str) -> Option<Role> {
        match name.trim().to_ascii_lowercase().as_str() {
            "viewer" => Some(Role::Viewer),
            "analyst" => Some(Role::Analyst),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user account (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Login name (unique, case-insensitive).
    pub name: String,
    /// Role.
    pub role: Role,
    /// A disabled user cannot log in and has no sessions.
    pub disabled: bool,
    /// When the account was made (epoch ms).
    pub created_at: i64,
    /// Last successful login (epoch ms).
    pub last_login_at: Option<i64>,
}

/// A user and the hash to check a password against.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The account.
    pub user: UserRow,
    /// The argon2id PHC string.
    pub password_hash: String,
}

/// Who a live session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    /// The user's id.
    pub user_id: i64,
    /// The user's name.
    pub name: String,
    /// The user's role now.
    pub role: Role,
    /// When the session ends (epoch ms).
    pub expires_at: i64,
}

/// An API token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRow {
    /// Id.
    pub id: i64,
    /// Who the token acts as.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// When it was made (epoch ms).
    pub created_at: i64,
    /// When it was revoked (epoch ms); a revoked token opens nothing.
    pub revoked_at: Option<i64>,
    /// When it stops working (epoch ms); `None`: never.
    pub expires_at: Option<i64>,
    /// When it was last used (epoch ms, recorded at most about once an hour).
    pub last_used_at: Option<i64>,
}

impl TokenRow {
    /// Expired at `now` (epoch ms).
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }
}

/// The columns [`token_row`] reads, in order.
const TOKEN_COLUMNS: &str = "id, name, role, created_at, revoked_at, expires_at, last_used_at";

/// The outcome of a change to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChange {
    /// Done.
    Done,
    /// No user has that id or name.
    NoSuchUser,
    /// Refused: no enabled admin would be left to manage users.
    LastAdmin,
}

const USER_COLUMNS: &str = "id, name, role, disabled, created_at, last_login_at";

fn role_of(row: &Row<'_>, i: usize) -> rusqlite::Result<Role> {
    let name: String = row.get(i)?;
    Role::parse(&name).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown role {name:?}").into(),
        )
    })
}

fn user_row(row: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: row.get(0)?,
        name: row.get(1)?,
        role: role_of(row, 2)?,
        disabled: row.get(3)?,
        created_at: row.get(4)?,
        last_login_at: row.get(5)?,
    })
}

impl Store {
    /// Adds a user. Returns its id, or `None` when the name is taken (names are compared
    /// case-insensitively).
    pub fn add_user(
        &mut self,
        name: &str,
        role: Role,
        password_hash: &str,
        now: i64,
    ) -> Result<Option<i64>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sql("begin adding a user"))?;
        let taken: Option<i64> = tx
            .query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))
            .optional()
            .map_err(StoreError::sql("look up a user name"))?;
        if taken.is_some() {
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO users (name, role, password_hash, created_at, password_changed_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            params![name, role.as_str(), password_hash, now],
        )
        .map_err(StoreError::sql("add a user"))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(StoreError::sql("commit a new user"))?;
        Ok(Some(id))
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<UserRow>> {
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users ORDER BY name COLLATE NOCASE"
            ))
            .map_err(StoreError::sql("list users"))?;
        st.query_map([], user_row)
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sql("list users"))
    }

    /// The user called `name` (case-insensitive), with the hash to check a password against.
    pub fn credentials(&self, name: &str) -> Result<Option<Credentials>> {
        self.conn
            .query_row(
                &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE name = ?1"),
                [name],
                |r| {
                    Ok(Credentials {
                        user: user_row(r)?,
                        password_hash: r.get(6)?,
                    })
                },
            )
            .optional()
            .map_err(StoreError::sql("look up a user"))
    }

    /// Replaces a user's password hash and ends all of the user's sessions. `false` when
    /// there is no such user.
    pub fn set_password(&mut self, name: &str, password_hash: &str, now: i64) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sql("begin a password change"))?;
        let changed = tx
            .execute(
                "UPDATE users SET password_hash = ?2, password_changed_at = ?3 WHERE name = ?1",
                params![name, password_hash, now],
            )
            .map_err(StoreError::sql("change a password"))?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = ?1)",
            [name],
        )
        .map_err(StoreError::sql("end the sessions of a user"))?;
        tx.commit()
            .map_err(StoreError::sql("commit a password change"))?;
        Ok(changed > 0)
    }

    /// Gives user `id` a role; refuses to take the last enabled admin's role away.
    pub fn set_role(&mut self, id: i64, role: Role) -> Result<UserChange> {
        self.change_user(id, |tx| {
            tx.execute(
                "UPDATE users SET role = ?2 WHERE id = ?1",
                params![id, role.as_str()],
            )
        })
    }

    /// Disables (ending its sessions) or enables user `id`; refuses to disable the last
    /// enabled admin.
    pub fn set_disabled(&mut self, id: i64, disabled: bool) -> Result<UserChange> {
        self.change_user(id, |tx| {
            tx.execute(
                "UPDATE users SET disabled = ?2 WHERE id = ?1",
                params![id, disabled],
            )?;
            if disabled {
                tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
            }
            Ok(1)
        })
    }

    /// Runs `change` on user `id` in a transaction, and undoes it when no enabled admin
    /// is left.
    fn change_user(
        &mut self,
        id: i64,
        change: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<usize>,
    ) -> Result<UserChange> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sql("begin a change to a user"))?;
        let exists: Option<i64> = tx
            .query_row("SELECT id FROM users WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .map_err(StoreError::sql("find a user"))?;
        if exists.is_none() {
            return Ok(UserChange::NoSuchUser);
        }
        change(&tx).map_err(StoreError::sql("change a user"))?;
        let admins: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0",
                [],
                |r| r.get(0),
            )
            .map_err(StoreError::sql("count admins"))?;
        if admins == 0 {
            // Dropping the transaction rolls the change back.
            return Ok(UserChange::LastAdmin);
        }
        tx.commit()
            .map_err(StoreError::sql("commit a change to a user"))?;
        Ok(UserChange::Done)
    }

    /// Opens a session for user `user_id` under the hash of its id, records the login,
    /// and clears expired sessions.
    pub fn create_session(
        &mut self,
        id_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sql("begin a login"))?;
        tx.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])
            .map_err(StoreError::sql("clear expired sessions"))?;
        tx.execute(
            "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![id_hash, user_id, now, expires_at],
        )
        .map_err(StoreError::sql("open a session"))?;
        tx.execute(
            "UPDATE users SET last_login_at = ?2 WHERE id = ?1",
            params![user_id, now],
        )
        .map_err(StoreError::sql("record a login"))?;
        tx.commit().map_err(StoreError::sql("commit a login"))
    }

    /// The enabled user of the live session with this id hash, if any.
    pub fn session_user(&self, id_hash: &str, now: i64) -> Result<Option<SessionUser>> {
        self.conn
            .prepare_cached(
                "SELECT u.id, u.name, u.role, s.expires_at FROM sessions s
                 JOIN users u ON u.id = s.user_id
                 WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
            )
            .and_then(|mut st| {
                st.query_row(params![id_hash, now], |r| {
                    Ok(SessionUser {
                        user_id: r.get(0)?,
                        name: r.get(1)?,
                        role: role_of(r, 2)?,
                        expires_at: r.get(3)?,
                    })
                })
                .optional()
            })
            .map_err(StoreError::sql("look up a session"))
    }

    /// Ends the session with this id hash. `false` when there was none.
    pub fn end_session(&mut self, id_hash: &str) -> Result<bool> {
        self.conn
            .execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])
            .map(|n| n > 0)
            .map_err(StoreError::sql("end a session"))
    }

    /// Adds an API token acting as `name`, working until `expires_at` (epoch ms; `None`:
    /// until revoked). Returns its id, or `None` when a live, unexpired token already has
    /// that name.
    pub fn add_token(
        &mut self,
        name: &str,
        role: Role,
        token_hash: &str,
        now: i64,
        expires_at: Option<i64>,
    ) -> Result<Option<i64>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sql("begin adding a token"))?;
        // An expired token of that name is retired: its name is free again.
        tx.execute(
            "UPDATE api_tokens SET revoked_at = ?2
             WHERE name = ?1 AND revoked_at IS NULL AND expires_at <= ?2",
            params![name, now],
        )
        .map_err(StoreError::sql("retire an expired token"))?;
        let taken: Option<i64> = tx
            .query_row(
                "SELECT id FROM api_tokens WHERE name = ?1 AND revoked_at IS NULL",
                [name],
                |r| r.get(0),
            )
            .optional()
            .map_err(StoreError::sql("look up a token name"))?;
        if taken.is_some() {
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO api_tokens (name, role, token_hash, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, role.as_str(), token_hash, now, expires_at],
        )
        .map_err(StoreError::sql("add a token"))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(StoreError::sql("commit a new token"))?;
        Ok(Some(id))
    }

    /// The live (not revoked) token with this hash, expired or not (the caller says which).
    pub fn token(&self, token_hash: &str) -> Result<Option<TokenRow>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens
                 WHERE token_hash = ?1 AND revoked_at IS NULL"
            ))
            .and_then(|mut st| st.query_row([token_hash], token_row).optional())
            .map_err(StoreError::sql("look up a token"))
    }

    /// Records that token `id` was used at `now` (epoch ms).
    pub fn touch_token(&mut self, id: i64, now: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1",
                params![id, now],
            )
            .map(drop)
            .map_err(StoreError::sql("record a token's use"))
    }

    /// Every token, live first, then by name.
    pub fn tokens(&self) -> Result<Vec<TokenRow>> {
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens
                 ORDER BY revoked_at IS NOT NULL, name, id"
            ))
            .map_err(StoreError::sql("list tokens"))?;
        st.query_map([], token_row)
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sql("list tokens"))
    }

    /// Revokes the live token called `name`. `false` when there is none.
    pub fn revoke_token(&mut self, name: &str, now: i64) -> Result<bool> {
        self.conn
            .execute(
                "UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
                params![name, now],
            )
            .map(|n| n > 0)
            .map_err(StoreError::sql("revoke a token"))
    }
}

fn token_row(r: &Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0)?,
        name: r.get(1)?,
        role: role_of(r, 2)?,
        created_at: r.get(3)?,
        revoked_at: r.get(4)?,
        expires_at: r.get(5)?,
        last_used_at: r.get(6)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_admin() -> (Store, i64) {
        let mut s = Store::in_memory().unwrap();
        let id = s
            .add_user("Ani", Role::Admin, "$hash-a", 1)
            .unwrap()
            .unwrap();
        (s, id)
    }

    #[test]
    fn names_are_unique_ignoring_case() {
        let (mut s, _) = store_with_admin();
        assert_eq!(s.add_user("ani", Role::Viewer, "$h", 2).unwrap(), None);
        let c = s.credentials("ANI").unwrap().unwrap();
        assert_eq!((c.user.name.as_str(), c.user.role), ("Ani", Role::Admin));
        assert_eq!(c.password_hash, "$hash-a");
    }

    #[test]
    fn sessions_expire_and_end_with_disabling_or_a_new_password() {
        let (mut s, admin) = store_with_admin();
        let bob = s.add_user("bob", Role::Viewer, "$h", 1).unwrap().unwrap();
        s.create_session("h1", bob, 10, 100).unwrap();
        assert_eq!(s.session_user("h1", 50).unwrap().unwrap().name, "bob");
        assert_eq!(s.session_user("h1", 100).unwrap(), None, "expired");
        assert_eq!(s.session_user("other", 50).unwrap(), None);
        // A role change shows at the next request.
        assert_eq!(s.set_role(bob, Role::Analyst).unwrap(), UserChange::Done);
        assert_eq!(
            s.session_user("h1", 50).unwrap().unwrap().role,
            Role::Analyst
        );
        assert_eq!(s.set_disabled(bob, true).unwrap(), UserChange::Done);
        assert_eq!(s.session_user("h1", 50).unwrap(), None);
        assert_eq!(s.set_disabled(bob, false).unwrap(), UserChange::Done);
        assert_eq!(
            s.session_user("h1", 50).unwrap(),
            None,
            "disabling ended it"
        );
        s.create_session("h2", admin, 10, 100).unwrap();
        assert!(s.set_password("ani", "$new", 20).unwrap());
        assert_eq!(s.session_user("h2", 50).unwrap(), None);
        assert!(!s.set_password("nobody", "$x", 20).unwrap());
        s.create_session("h3", admin, 10, 100).unwrap();
        assert!(s.end_session("h3").unwrap());
        assert!(!s.end_session("h3").unwrap());
    }

    #[test]
    fn the_last_admin_stays() {
        let (mut s, admin) = store_with_admin();
        assert_eq!(
            s.set_role(admin, Role::Viewer).unwrap(),
            UserChange::LastAdmin
        );
        assert_eq!(s.set_disabled(admin, true).unwrap(), UserChange::LastAdmin);
        assert_eq!(s.users().unwrap()[0].role, Role::Admin, "rolled back");
        let other = s.add_user("budi", Role::Admin, "$h", 1).unwrap().unwrap();
        assert_eq!(s.set_disabled(admin, true).unwrap(), UserChange::Done);
        assert_eq!(
            s.set_role(other, Role::Analyst).unwrap(),
            UserChange::LastAdmin
        );
        assert_eq!(
            s.set_role(99, Role::Analyst).unwrap(),
            UserChange::NoSuchUser
        );
    }

    #[test]
    fn revoked_tokens_open_nothing_and_free_their_name() {
        let mut s = Store::in_memory().unwrap();
        s.add_token("ci", Role::Analyst, "t1", 1, None)
            .unwrap()
            .unwrap();
        assert_eq!(
            s.add_token("ci", Role::Viewer, "t2", 1, None).unwrap(),
            None
        );
        assert_eq!(s.token("t1").unwrap().unwrap().role, Role::Analyst);
        assert!(s.revoke_token("ci", 5).unwrap());
        assert_eq!(s.token("t1").unwrap(), None);
        assert!(!s.revoke_token("ci", 6).unwrap());
        s.add_token("ci", Role::Viewer, "t2", 7, None)
            .unwrap()
            .unwrap();
        assert_eq!(s.tokens().unwrap().len(), 2);
        assert_eq!(s.tokens().unwrap()[0].revoked_at, None, "live first");
    }
}
