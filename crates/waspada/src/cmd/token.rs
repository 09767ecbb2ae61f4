//! `waspada token`: API tokens for programs (`Authorization: Bearer <token>`). A token is
//! shown once, when it is made; the store keeps only its hash.

use std::process::ExitCode;

use anyhow::{Result, bail};
use waspada_serve::accounts;
use waspada_store::Role;

use super::user::parse_role;
use super::workplace::WorkplaceArgs;

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
        Action::Add { name, role, .. } => {
            let token = accounts::create_token(store, &name, role)?;
            eprintln!(
                "token {name} ({role}) made in {place}; keep it secret, it is shown only this once. \
                 Send it as `Authorization: Bearer <token>`:"
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
                println!("{:<24} {:<8} status", "name", "role");
                for t in tokens {
                    let status = if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "live"
                    };
                    println!("{:<24} {:<8} {status}", t.name, t.role.as_str());
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
