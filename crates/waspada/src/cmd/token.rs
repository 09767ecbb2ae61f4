//! `waspada token`: API tokens for programs (`Authorization: Bearer <token>`). A token is
//! shown once, when it is made; the store keeps only its hash.

use std::process::ExitCode;

use anyhow::{Result, bail};
use waspada_serve::accounts;
use waspada_store::Role;

use super::user::parse_role;
use super::workplace::WorkplaceArgs;

/// Days a new token works unless told otherwise: a year, long enough for a yearly
/// rotation, short enough that a token forgotten in an old script dies by itself.
const DEFAULT_DAYS: u32 = 365;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// The UTC day of an epoch-ms time.
fn day(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Arguments of `waspada token`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

/// What to do with tokens.
#[derive(clap::Subcommand)]
pub enum Action {
    /// Make a token and print it (once: it cannot be shown again).
    Add {
        #[command(flatten)]
        data: WorkplaceArgs,
        /// Who the token acts as, in triage histories (letters, digits, . - _ @).
        name: String,
        /// viewer (reads), analyst (also triages), admin (also manages users).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Days the token works; after them it is refused and a new one must be made.
        #[arg(long, default_value_t = DEFAULT_DAYS, value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: u32,
        /// The token works until revoked (for a service that cannot rotate its token;
        /// prefer --days).
        #[arg(long, conflicts_with = "days")]
        never_expires: bool,
    },
    /// Revoke the live token with this name: it stops working at once.
    Revoke {
        #[command(flatten)]
        data: WorkplaceArgs,
        /// The token's name.
        name: String,
    },
    /// List tokens (names and roles; the tokens themselves are not stored).
    List {
        #[command(flatten)]
        data: WorkplaceArgs,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

impl Action {
    fn data(&self) -> &WorkplaceArgs {
        match self {
            Action::Add { data, .. } | Action::Revoke { data, .. } | Action::List { data, .. } => {
                data
            }
        }
    }
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let mut opened = args.action.data().open()?;
    let place = std::mem::take(&mut opened.place);
    let store = &mut *opened.workplace;
    match args.action {
        Action::Add {
            name,
            role,
            days,
            never_expires,
            ..
        } => {
            let now = waspada_store::now_ms();
            let expires_at = (!never_expires).then(|| now + i64::from(days) * DAY_MS);
            let token = accounts::create_token_at(store, &name, role, now, expires_at)?;
            let until = match expires_at {
                Some(t) => format!("works until {} (UTC)", day(t)),
                None => "works until revoked".to_string(),
            };
            eprintln!(
                "token {name} ({role}) made in {place}; {until}. Keep it secret, it is shown \
                 only this once. Send it as `Authorization: Bearer <token>`:"
            );
            println!("{token}");
        }
        Action::Revoke { name, .. } => {
            if !store.revoke_token(&name, waspada_store::now_ms())? {
                bail!("there is no live token named {name:?} (see `waspada token list`)");
            }
            println!("token {name} revoked");
        }
        Action::List { json, .. } => {
            let tokens = store.tokens()?;
            if json {
                println!("{}", serde_json::to_string(&tokens)?);
            } else {
                let now = waspada_store::now_ms();
                println!(
                    "{:<24} {:<8} {:<8} {:<11} last used (UTC)",
                    "name", "role", "status", "expires"
                );
                for t in tokens {
                    let status = if t.revoked_at.is_some() {
                        "revoked"
                    } else if t.is_expired(now) {
                        "expired"
                    } else {
                        "live"
                    };
                    let expires = t.expires_at.map_or_else(|| "never".to_string(), day);
                    let used = t.last_used_at.map_or_else(|| "never".to_string(), day);
                    println!(
                        "{:<24} {:<8} {status:<8} {expires:<11} {used}",
                        t.name,
                        t.role.as_str()
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
