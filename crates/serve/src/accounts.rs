//! Accounts and secrets: password hashing, random secrets, API tokens, and the slow-down
//! after failed logins. Used by the login page, the users page and the `waspada user` and
//! `waspada token` commands, so the rules (name, password length, hashing) are the same
//! wherever an account is made.
//!
//! - **Passwords** are hashed with argon2id at the `argon2` crate's defaults (19 MiB, two
//!   passes, one lane: the OWASP recommendation) with a 16-byte salt from the operating
//!   system's CSRNG, and stored as PHC strings; verifying reads the parameters back from
//!   the string, so they can be raised later without invalidating old hashes. The
//!   comparison inside `argon2` is constant-time.
//! - **Session ids and API tokens** are 32 random bytes; only their SHA-256 is stored. A
//!   token is looked up by its hash, so the lookup's timing says nothing about the token.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use waspada_store::{Role, StoreError, Workplace};

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Longest password accepted, in characters (argon2 is slow on purpose; keep it bounded).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// What prefixes every API token, so secret scanners and people recognise one.
pub const TOKEN_PREFIX: &str = "wsp_";

/// Why an account could not be made or changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The name is not acceptable.
    #[error(
        "{0:?} is not a usable name: use 1 to 64 letters, digits, dots, hyphens, underscores or @"
    )]
    BadName(String),
    /// The password is too short or too long.
    #[error(
        "the password must have {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters \
         (a few unrelated words make a good one)"
    )]
    BadPassword,
    /// The password is the user name.
    #[error("the password must not be the user name")]
    PasswordIsName,
    /// The name is taken.
    #[error("{0:?} already exists")]
    Taken(String),
    /// No such user.
    #[error("there is no user {0:?} (see `waspada user list`)")]
    NoSuchUser(String),
    /// The operating system gave no random bytes.
    #[error("cannot get random bytes from the operating system: {0}")]
    Random(String),
    /// Hashing failed.
    #[error("cannot hash the password: {0}")]
    Hash(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks a user or token name: 1–64 characters of letters, digits, `.`, `-`, `_`, `@`.
pub fn check_name(name: &str) -> Result<(), AccountError> {
    let ok = (1..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || ".-_@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(AccountError::BadName(name.to_string()))
    }
}

/// Checks a new password for user `name`.
pub fn check_password(name: &str, password: &str) -> Result<(), AccountError> {
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&password.chars().count()) {
        return Err(AccountError::BadPassword);
    }
    if password.trim().eq_ignore_ascii_case(name.trim()) {
        return Err(AccountError::PasswordIsName);
    }
    Ok(())
}

/// Fills `buf` from the operating system's CSPRNG.
fn random_bytes(buf: &mut [u8]) -> Result<(), AccountError> {
    getrandom::fill(buf).map_err(|e| AccountError::Random(e.to_string()))
}

/// `n` random bytes as lower-case hex.
pub fn random_hex(n: usize) -> Result<String, AccountError> {
    let mut buf = vec![0u8; n];
    random_bytes(&mut buf)?;
    Ok(hex(&buf))
}

/// A random password of `len` characters for people to type: letters and digits without
/// the look-alikes (0/O, 1/l/I). 16 characters carry about 90 bits.
pub fn random_password(len: usize) -> Result<String, AccountError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::with_capacity(len);
    let mut byte = [0u8; 1];
    while out.len() < len {
        random_bytes(&mut byte)?;
        // Rejection sampling: no bias towards the first letters.
        let limit = 256 - 256 % ALPHABET.len();
        if usize::from(byte[0]) < limit {
            out.push(char::from(ALPHABET[usize::from(byte[0]) % ALPHABET.len()]));
        }
    }
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// SHA-256 of `secret` as hex: what the store keeps of session ids and tokens.
pub fn sha256_hex(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Hashes a password with argon2id and a fresh salt (a PHC string).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let mut salt = [0u8; 16];
    random_bytes(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC string `hash` (constant-time comparison).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Spends the time of one password check when there is no hash to check against (an
/// unknown or disabled user), so the answer's timing does not tell whether a user exists.
pub(crate) fn verify_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("no user has this password").unwrap_or_default());
    let _ = verify_password(password, hash);
}

/// Adds user `name` with `role` and `password` (checked, then hashed). Returns the id.
pub fn create_user(
    store: &mut dyn Workplace,
    name: &str,
    role: Role,
    password: &str,
) -> Result<i64, AccountError> {
    check_name(name)?;
    check_password(name, password)?;
    let hash = hash_password(password)?;
    store
        .add_user(name, role, &hash, waspada_store::now_ms())?
        .ok_or_else(|| AccountError::Taken(name.to_string()))
}

/// Gives user `name` a new password and ends the user's sessions.
pub fn change_password(
    store: &mut dyn Workplace,
    name: &str,
    password: &str,
) -> Result<(), AccountError> {
    check_password(name, password)?;
    let hash = hash_password(password)?;
    if store.set_password(name, &hash, waspada_store::now_ms())? {
        Ok(())
    } else {
        Err(AccountError::NoSuchUser(name.to_string()))
    }
}

/// Makes an API token acting as `name` with `role`, working until `expires_at` (epoch
/// ms; `None`: until revoked), and returns it: the only time it exists in clear text (the
/// store keeps its hash).
pub fn create_token(
    store: &mut dyn Workplace,
    name: &str,
    role: Role,
    expires_at: Option<i64>,
) -> Result<String, AccountError> {
    create_token_at(store, name, role, waspada_store::now_ms(), expires_at)
}

/// [`create_token`] made at `now` (epoch ms): a caller that computed `expires_at` from
/// its own clock reading passes that reading, so that a token "for 365 days" is made
/// and expires exactly that far apart.
pub fn create_token_at(
    store: &mut dyn Workplace,
    name: &str,
    role: Role,
    now: i64,
    expires_at: Option<i64>,
) -> Result<String, AccountError> {
    check_name(name)?;
    let token = format!("{TOKEN_PREFIX}{}", random_hex(32)?);
    store
        .add_token(name, role, &sha256_hex(&token), now, expires_at)?
        .ok_or_else(|| AccountError::Taken(format!("a live token named {name}")))?;
    Ok(token)
}

/// Failed logins per account and per client address, and how long the next attempt must
/// wait. The first failures are free (typing mistakes); after them the wait doubles from
/// 30 seconds up to 15 minutes. An address gets more free failures than an account: an
/// office behind one NAT address shares it. Unknown user names are counted like known
/// ones, so the slow-down tells nothing about which accounts exist. Kept in memory: a
/// restart forgets it, which an attacker cannot trigger.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

/// Free failures per account.
pub const FREE_ACCOUNT_FAILURES: u32 = 5;
/// Free failures per client address.
pub const FREE_ADDRESS_FAILURES: u32 = 20;
const FIRST_WAIT_MS: i64 = 30_000;
const MAX_WAIT_MS: i64 = 15 * 60_000;
/// Entries idle this long are forgotten.
const FORGET_MS: i64 = 60 * 60_000;
/// Above this many entries, idle ones are swept.
const SWEEP_AT: usize = 10_000;

impl Throttle {
    fn wait_ms(failures: u32, free: u32) -> i64 {
        if failures < free {
            0
        } else {
            (FIRST_WAIT_MS << (failures - free).min(10)).min(MAX_WAIT_MS)
        }
    }

    /// How long (ms) the caller must still wait before trying any of `keys` (key, free
    /// failures), or `None` when it may try now.
    pub(crate) fn locked(&self, keys: &[(String, u32)], now: i64) -> Option<i64> {
        let map = self.failures.lock().ok()?;
        keys.iter()
            .filter_map(|(k, free)| {
                let (n, last) = map.get(k)?;
                let left = last + Self::wait_ms(*n, *free) - now;
                (left > 0).then_some(left)
            })
            .max()
    }

    /// Counts a failed attempt against each key.
    pub(crate) fn failed(&self, keys: &[(String, u32)], now: i64) {
        let Ok(mut map) = self.failures.lock() else {
            return;
        };
        if map.len() > SWEEP_AT {
            map.retain(|_, (_, last)| now - *last < FORGET_MS);
        }
        for (k, _) in keys {
            let e = map.entry(k.clone()).or_insert((0, now));
            if now - e.1 >= FORGET_MS {
                e.0 = 0;
            }
            e.0 += 1;
            e.1 = now;
        }
    }

    /// Forgets the failures of `key` (a successful login to the account).
    pub(crate) fn succeeded(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_not_the_password_and_verifies_only_it() {
        let h = hash_password("kuda-laut-pisang-7").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("kuda-laut-pisang-7"));
        assert!(verify_password("kuda-laut-pisang-7", &h));
        assert!(!verify_password("kuda-laut-pisang-8", &h));
        assert!(!verify_password("kuda-laut-pisang-7", "not a hash"));
        // Same password, new salt, other hash.
        assert_ne!(h, hash_password("kuda-laut-pisang-7").unwrap());
    }

    #[test]
    fn names_and_passwords_are_checked() {
        assert!(check_name("rina.s@dinkes").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("a b").is_err());
        assert!(check_name("<script>").is_err());
        assert!(check_password("rina", "short").is_err());
        assert!(check_password("rinarinarina", "RinaRinaRina").is_err());
        assert!(check_password("rina", "dua belas huruf").is_ok());
    }

    #[test]
    fn random_passwords_use_the_alphabet_and_differ() {
        let a = random_password(16).unwrap();
        assert_eq!(a.chars().count(), 16);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(c))
        );
        assert_ne!(a, random_password(16).unwrap());
        assert_eq!(sha256_hex("abc").len(), 64);
    }

    #[test]
    fn the_throttle_waits_after_the_free_failures_and_forgets_on_success() {
        let t = Throttle::default();
        let keys = [("user:ani".to_string(), 3)];
        for i in 0..3 {
            assert_eq!(t.locked(&keys, 1000 + i), None);
            t.failed(&keys, 1000 + i);
        }
        let wait = t.locked(&keys, 1003).unwrap();
        assert!(wait > 29_000 && wait <= 30_000, "{wait}");
        assert_eq!(t.locked(&keys, 1002 + 30_000), None);
        t.failed(&keys, 40_000);
        assert!(
            t.locked(&keys, 40_001).unwrap() > 59_000,
            "the wait doubles"
        );
        t.succeeded("user:ani");
        assert_eq!(t.locked(&keys, 40_001), None);
    }
}
