//! E-mail digests through a local SMTP sink that speaks STARTTLS (a throwaway certificate
//! from rcgen) and refuses mail before AUTH: the test checks the message arrived over
//! TLS, authenticated, with the digest's content.

mod common;

use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types};
use waspada_alert::{AlertsConfig, Dispatcher, SmtpConfig};
use waspada_store::{AlertFilter, Store, now_ms};

/// What the sink saw.
#[derive(Debug, Default, Clone)]
struct Session {
    tls: bool,
    auth_user: Option<String>,
    auth_before_tls: bool,
    mail_before_auth: bool,
    rcpt: Vec<String>,
    data: String,
}

fn b64decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| *c != b'=') {
        let Some(v) = A.iter().position(|a| *a == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Decodes quoted-printable (soft breaks and =XX), leaving other text as it is.
fn qp_decode(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn reply<S: AsyncWrite + Unpin>(s: &mut S, line: &str) {
    s.write_all(line.as_bytes()).await.unwrap();
    s.write_all(b"\r\n").await.unwrap();
    s.flush().await.unwrap();
}

/// One SMTP conversation on `stream`; returns `true` when the client asked for STARTTLS.
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    tls: bool,
    session: &mut Session,
) -> (bool, S) {
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
            return (false, r.into_inner());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        let s = r.get_mut();
        if upper.starts_with("EHLO") {
            if tls {
                reply(s, "250-sink.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME").await;
            } else {
                reply(s, "250-sink.test\r\n250-STARTTLS\r\n250 8BITMIME").await;
            }
        } else if upper == "STARTTLS" && !tls {
            reply(s, "220 2.0.0 Ready to start TLS").await;
            return (true, r.into_inner());
        } else if upper.starts_with("AUTH PLAIN") {
            if !tls {
                session.auth_before_tls = true;
                reply(s, "538 5.7.11 Encryption required").await;
                continue;
            }
            let creds = b64decode(cmd[10..].trim());
            let parts: Vec<&[u8]> = creds.split(|b| *b == 0).collect();
            if parts.len() == 3 && parts[1] == b"waspada" && parts[2] == b"kata-sandi" {
                session.auth_user = Some("waspada".into());
                reply(s, "235 2.7.0 Authentication successful").await;
            } else {
                reply(s, "535 5.7.8 Bad credentials").await;
            }
        } else if upper.starts_with("MAIL FROM") {
            if session.auth_user.is_none() {
                session.mail_before_auth = true;
                reply(s, "530 5.7.0 Authentication required").await;
            } else {
                reply(s, "250 2.1.0 Ok").await;
            }
        } else if upper.starts_with("RCPT TO") {
            session.rcpt.push(cmd[8..].trim().to_string());
            reply(s, "250 2.1.5 Ok").await;
        } else if upper == "DATA" {
            reply(s, "354 End data with <CR><LF>.<CR><LF>").await;
            let mut data = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return (false, r.into_inner());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            session.data = data;
            reply(r.get_mut(), "250 2.0.0 Ok: queued").await;
        } else if upper == "QUIT" {
            reply(s, "221 2.0.0 Bye").await;
            return (false, r.into_inner());
        } else if upper == "RSET" || upper == "NOOP" {
            reply(s, "250 2.0.0 Ok").await;
        } else {
            reply(s, "502 5.5.2 Command not recognised").await;
        }
    }
}

/// Starts the sink; returns its port, the certificate (PEM) to trust, and the session.
async fn sink() -> (u16, String, tokio::task::JoinHandle<Session>) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_pem = certified.cert.pem();
    let cert_der = certified.cert.der().clone();
    let key_der = pki_types::PrivateKeyDer::Pkcs8(pki_types::PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert_der], key_der)
    .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let mut session = Session::default();
        let (mut sock, _) = listener.accept().await.unwrap();
        reply(&mut sock, "220 sink.test ESMTP").await;
        let (starttls, sock) = converse(sock, false, &mut session).await;
        if starttls {
            let tls = acceptor.accept(sock).await.unwrap();
            session.tls = true;
            converse(tls, true, &mut session).await;
        }
        session
    });
    (port, cert_pem, handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_arrives_over_starttls_authenticated_with_its_content() {
    let (port, cert_pem, session) = sink().await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("sink-ca.pem");
    std::fs::write(&ca, cert_pem).unwrap();
    // SAFETY: set before any thread of this test reads the environment; the variable is
    // unique to this test binary.
    unsafe { std::env::set_var("WASPADA_TEST_SMTP_PASSWORD", "kata-sandi") };
    let config = AlertsConfig {
        base_url: "https://waspada.example.go.id".into(),
        smtp: Some(SmtpConfig {
            host: "localhost".into(),
            port,
            user: Some("waspada".into()),
            password_env: "WASPADA_TEST_SMTP_PASSWORD".into(),
            from: "Waspada <waspada@dinkes.example.go.id>".into(),
            ca_file: Some(ca),
            timeout_secs: 20,
        }),
        ..AlertsConfig::default()
    };
    let mut store = Store::in_memory().unwrap();
    let mut sub = common::subscription("email");
    sub.email = Some("analis@dinkes.example.go.id".into());
    sub.digest = Some("immediate".into());
    store.add_subscription(&sub).unwrap();
    let a = common::add_signal(&mut store, "farrington", "first");
    let b = common::add_signal(&mut store, "rule-deaths", "second");

    let pass = Dispatcher::new(config)
        .unwrap()
        .run_once(&mut store, now_ms())
        .await
        .unwrap();
    assert_eq!(
        (pass.enqueued, pass.messages, pass.sent),
        (2, 1, 2),
        "{pass:?}"
    );
    let s = session.await.unwrap();
    assert!(s.tls, "the message must travel over TLS");
    assert!(!s.auth_before_tls, "credentials were offered before TLS");
    assert!(!s.mail_before_auth, "mail was sent without AUTH");
    assert_eq!(s.auth_user.as_deref(), Some("waspada"));
    assert_eq!(s.rcpt, ["<analis@dinkes.example.go.id>"]);
    let data = qp_decode(&s.data);
    assert!(
        data.contains("From: Waspada <waspada@dinkes.example.go.id>"),
        "{data}"
    );
    assert!(data.contains("multipart/alternative"));
    assert!(data.contains("text/plain") && data.contains("text/html"));
    // Bilingual: this subscriber reads Indonesian.
    assert!(
        data.contains("Teramati vs perkiraan: 9 berita teramati, perkiraan 2.5"),
        "{data}"
    );
    assert!(data.contains("Kabupaten Garut"));
    assert!(data.contains("2026-11-16 – 2026-11-22"));
    assert!(data.contains(&format!("https://waspada.example.go.id/signals/{a}")));
    assert!(data.contains(&format!("https://waspada.example.go.id/signals/{b}")));
    assert!(data.contains("Berita melaporkan kematian."));
    let alerts = store.alerts(&AlertFilter::default()).unwrap();
    assert!(alerts.iter().all(|x| x.status == "sent" && x.attempts == 1));
}

#[tokio::test]
async fn email_waits_when_no_mail_server_is_configured() {
    let mut store = Store::in_memory().unwrap();
    let mut sub = common::subscription("email");
    sub.email = Some("analis@dinkes.example.go.id".into());
    sub.digest = Some("immediate".into());
    store.add_subscription(&sub).unwrap();
    common::add_signal(&mut store, "farrington", "x");
    let pass = Dispatcher::new(AlertsConfig::default())
        .unwrap()
        .run_once(&mut store, now_ms())
        .await
        .unwrap();
    assert_eq!((pass.waiting, pass.messages), (1, 0));
    assert!(pass.notes[0].contains("[alerts.smtp]"), "{:?}", pass.notes);
    let alert = &store.alerts(&AlertFilter::default()).unwrap()[0];
    assert_eq!((alert.status.as_str(), alert.attempts), ("pending", 0));
}

#[tokio::test]
async fn daily_digests_wait_for_the_digest_hour() {
    let mut store = Store::in_memory().unwrap();
    let mut sub = common::subscription("email");
    sub.email = Some("analis@dinkes.example.go.id".into());
    sub.digest = Some("daily".into());
    store.add_subscription(&sub).unwrap();
    common::add_signal(&mut store, "farrington", "x");
    let d = Dispatcher::new(AlertsConfig {
        digest_hour_utc: 0,
        ..AlertsConfig::default()
    })
    .unwrap();
    let now = now_ms();
    let pass = d.run_once(&mut store, now).await.unwrap();
    assert_eq!((pass.enqueued, pass.waiting), (1, 0));
    let due = store.alerts(&AlertFilter::default()).unwrap()[0]
        .next_attempt_at
        .unwrap();
    let day = 24 * 3600 * 1000;
    assert_eq!(due % day, 0, "due at 00:00 UTC");
    assert!(due > now && due <= now + day);
}
