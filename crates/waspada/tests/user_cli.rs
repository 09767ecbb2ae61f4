//! `waspada user` and `waspada token` on the real binary: passwords from standard input,
//! the minimum length, no terminal without `--password-stdin`, tokens shown once and
//! revoked.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn waspada(args: &[&str], data: &Path, stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("WASPADA_DATA")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run waspada");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn password_hash(data: &Path, name: &str) -> Option<String> {
    let store = waspada_store::Store::open(&data.join("waspada.sqlite")).unwrap();
    store.credentials(name).unwrap().map(|c| c.password_hash)
}

#[test]
fn user_add_reads_the_password_from_stdin_and_stores_only_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let add = ["user", "add", "ani", "--role", "admin", "--password-stdin"];
    let out = waspada(&add, &data, Some("kopi tubruk tanpa gula\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("added ani (admin)"));
    let hash = password_hash(&data, "ani").unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("kopi"));
    assert!(waspada_serve::accounts::verify_password(
        "kopi tubruk tanpa gula",
        &hash
    ));

    let list = waspada(&["user", "list", "--json"], &data, None);
    let users: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(users[0]["name"], "ani");
    assert_eq!(users[0]["role"], "admin");
    assert!(!text(&list.stdout).contains("argon2"));

    // Taken, too short, no terminal: refused, nothing stored.
    let again = waspada(&add, &data, Some("kopi tubruk tanpa gula\n"));
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("already exists"));
    let short = waspada(
        &[
            "user",
            "add",
            "budi",
            "--role",
            "analyst",
            "--password-stdin",
        ],
        &data,
        Some("pendek\n"),
    );
    assert!(!short.status.success());
    assert!(
        text(&short.stderr).contains("12"),
        "{}",
        text(&short.stderr)
    );
    assert_eq!(password_hash(&data, "budi"), None);
    let no_tty = waspada(&["user", "add", "budi", "--role", "analyst"], &data, None);
    assert!(!no_tty.status.success());
    assert!(text(&no_tty.stderr).contains("--password-stdin"));
    let bad_role = waspada(&["user", "add", "budi", "--role", "boss"], &data, None);
    assert!(!bad_role.status.success());
    assert!(text(&bad_role.stderr).contains("viewer, analyst or admin"));

    // passwd replaces the hash.
    let out = waspada(
        &["user", "passwd", "ani", "--password-stdin"],
        &data,
        Some("teh manis hangat sekali\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let new = password_hash(&data, "ani").unwrap();
    assert!(waspada_serve::accounts::verify_password(
        "teh manis hangat sekali",
        &new
    ));
    // The only admin cannot be disabled.
    let out = waspada(&["user", "disable", "ani"], &data, None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("last enabled admin"));
}

#[test]
fn tokens_are_printed_once_and_can_be_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = waspada(&["token", "add", "ci", "--role", "analyst"], &data, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&out.stdout).trim().to_string();
    assert!(token.starts_with("wsp_") && token.len() == 68, "{token}");
    let store = waspada_store::Store::open(&data.join("waspada.sqlite")).unwrap();
    let row = store
        .token(&waspada_serve::accounts::sha256_hex(&token))
        .unwrap()
        .unwrap();
    assert_eq!(row.name, "ci");
    // A year by default; the date is said when the token is made and listed.
    let made = row.created_at;
    assert_eq!(row.expires_at, Some(made + 365 * 24 * 3600 * 1000));
    let until = jiff::Timestamp::from_millisecond(row.expires_at.unwrap())
        .unwrap()
        .strftime("%Y-%m-%d")
        .to_string();
    assert!(
        text(&out.stderr).contains(&format!("works until {until}")),
        "{}",
        text(&out.stderr)
    );
    let forever = waspada(
        &[
            "token",
            "add",
            "arsip",
            "--role",
            "viewer",
            "--never-expires",
        ],
        &data,
        None,
    );
    assert!(text(&forever.stderr).contains("works until revoked"));
    let list = waspada(&["token", "list"], &data, None);
    let listed = text(&list.stdout);
    assert!(!listed.contains(&token), "never shown again");
    let line = |name: &str| {
        listed
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} listed: {listed}"))
            .to_string()
    };
    assert!(
        line("ci ").contains(&until) && line("ci ").contains("live"),
        "{listed}"
    );
    assert!(line("arsip").contains("never"), "{listed}");
    let zero = waspada(
        &["token", "add", "x", "--role", "viewer", "--days", "0"],
        &data,
        None,
    );
    assert!(
        !zero.status.success(),
        "a token that never works is refused"
    );
    assert!(
        waspada(&["token", "revoke", "ci"], &data, None)
            .status
            .success()
    );
    assert_eq!(
        store
            .token(&waspada_serve::accounts::sha256_hex(&token))
            .unwrap(),
        None
    );
    let again = waspada(&["token", "revoke", "ci"], &data, None);
    assert!(!again.status.success());
}
