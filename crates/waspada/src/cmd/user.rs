//! `waspada user`: the accounts that may log in to the dashboard. There is no default
//! account and no default password: the first admin is made here.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use waspada_serve::accounts;
use waspada_store::{Role, UserChange};

use super::workplace::WorkplaceArgs;

/// Arguments of `waspada user`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

/// What to do with users.
#[derive(clap::Subcommand)]
pub enum Action {
    /// Add a user. Asks for the password twice on a terminal, or reads one line from
    /// standard input with --password-stdin.
    Add {
        #[command(flatten)]
        data: WorkplaceArgs,
        /// Login name (letters, digits, . - _ @).
        name: String,
        /// viewer (reads), analyst (also triages), admin (also manages users).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List {
        #[command(flatten)]
        data: WorkplaceArgs,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Set a user's password (ends the user's sessions).
    Passwd {
        #[command(flatten)]
        data: WorkplaceArgs,
        /// Login name.
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: no login, sessions ended.
    Disable {
        #[command(flatten)]
        data: WorkplaceArgs,
        /// Login name.
        name: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[command(flatten)]
        data: WorkplaceArgs,
        /// Login name.
        name: String,
    },
}

/// Reads `viewer`, `analyst` or `admin` for clap.
pub fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("{s:?} is not a role: use viewer, analyst or admin"))
}

/// The new password: one line of standard input, or asked twice on the terminal.
fn read_password(from_stdin: bool, name: &str) -> Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_string());
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the password on: pipe it in and add --password-stdin");
    }
    let first = rpassword::prompt_password(format!("new password for {name}: "))
        .context("cannot read the password")?;
    accounts::check_password(name, &first)?;
    let again =
        rpassword::prompt_password("the same again: ").context("cannot read the password")?;
    if first != again {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}

impl Action {
    fn data(&self) -> &WorkplaceArgs {
        match self {
            Action::Add { data, .. }
            | Action::List { data, .. }
            | Action::Passwd { data, .. }
            | Action::Disable { data, .. }
            | Action::Enable { data, .. } => data,
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
            password_stdin,
            ..
        } => {
            accounts::check_name(&name)?;
            if store.credentials(&name)?.is_some() {
                bail!("{name:?} already exists (change its password with `waspada user passwd`)");
            }
            let password = read_password(password_stdin, &name)?;
            accounts::create_user(store, &name, role, &password)?;
            println!("added {name} ({role}) to {place}; they can log in at /login");
        }
        Action::List { json, .. } => {
            let users = store.users()?;
            if json {
                println!("{}", serde_json::to_string(&users)?);
            } else if users.is_empty() {
                println!("no users yet: add one with `waspada user add NAME --role admin`");
            } else {
                println!(
                    "{:<24} {:<8} {:<9} last login (UTC)",
                    "name", "role", "status"
                );
                for u in users {
                    let last = u
                        .last_login_at
                        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
                        .map_or_else(
                            || "never".to_string(),
                            |t| t.strftime("%Y-%m-%d %H:%M").to_string(),
                        );
                    let status = if u.disabled { "disabled" } else { "active" };
                    println!("{:<24} {:<8} {:<9} {last}", u.name, u.role.as_str(), status);
                }
            }
        }
        Action::Passwd {
            name,
            password_stdin,
            ..
        } => {
            if store.credentials(&name)?.is_none() {
                bail!("there is no user {name:?} (see `waspada user list`)");
            }
            let password = read_password(password_stdin, &name)?;
            accounts::change_password(store, &name, &password)?;
            println!("new password set for {name}; their sessions were ended");
        }
        Action::Disable { name, .. } | Action::Enable { name, .. }
            if store.credentials(&name)?.is_none() =>
        {
            bail!("there is no user {name:?} (see `waspada user list`)");
        }
        Action::Disable { name, .. } => set_disabled(store, &name, true)?,
        Action::Enable { name, .. } => set_disabled(store, &name, false)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn set_disabled(
    store: &mut dyn waspada_store::Workplace,
    name: &str,
    disabled: bool,
) -> Result<()> {
    let id = store
        .credentials(name)?
        .map(|c| c.user.id)
        .with_context(|| format!("there is no user {name:?}"))?;
    match store.set_disabled(id, disabled)? {
        UserChange::Done => {
            println!(
                "{name} is {}",
                if disabled { "disabled" } else { "enabled" }
            );
            Ok(())
        }
        UserChange::NoSuchUser => bail!("there is no user {name:?}"),
        UserChange::LastAdmin => {
            bail!("refused: {name} is the last enabled admin; make another admin first")
        }
    }
}
