//! Subscriptions, alerts, Atom feeds and CAP through the router (`oneshot`, no sockets),
//! over a data directory holding signals we write ourselves.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use std::collections::HashMap;
use tower::ServiceExt;
use waspada_alert::{AlertsConfig, Dispatcher};
use waspada_pipeline::DataDir;
use waspada_serve::accounts::create_token;
use waspada_serve::{AppState, router};
use waspada_store::{NewSignal, Role, Store};

struct Fixture {
    _dir: tempfile::TempDir,
    data: DataDir,
    app: axum::Router,
    /// API tokens of the analysts the tests act as.
    tokens: HashMap<&'static str, String>,
}

impl Fixture {
    /// The `Authorization` header of `user`; `anyone` stands for a client without a login
    /// (a feed reader) and gets none.
    fn auth(&self, user: &str) -> Option<String> {
        (user != "anyone").then(|| format!("Bearer {}", self.tokens[user]))
    }
}

fn fixture(synthetic: bool) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::create(dir.path()).unwrap();
    let mut state = AppState::open(dir.path()).unwrap();
    state.synthetic = synthetic;
    state.alerts = AlertsConfig {
        base_url: "https://waspada.example.go.id".into(),
        sender: "waspada@dinkes.example.go.id".into(),
        ..AlertsConfig::default()
    };
    let mut store = data.store().unwrap();
    let tokens = ["ana", "budi", "x"]
        .into_iter()
        .map(|name| {
            (
                name,
                create_token(&mut store, name, Role::Analyst, None).unwrap(),
            )
        })
        .collect();
    Fixture {
        app: router(state),
        data,
        _dir: dir,
        tokens,
    }
}

fn add_signal(store: &mut Store, code: &str) -> i64 {
    let b = store.batch().unwrap();
    let id = b
        .upsert_signal(&NewSignal {
            disease_id: "dengue".into(),
            area_level: "regency".into(),
            area_code: code.into(),
            frequency: "weekly".into(),
            period_start: "2026-11-16".into(),
            period_end: "2026-11-22".into(),
            method: "farrington".into(),
            observed: 9,
            expected: Some(2.0),
            upperbound: Some(5.0),
            score: None,
            explanation: "Dengue: 9 stories <&>".into(),
        })
        .unwrap();
    b.commit().unwrap();
    id
}

struct Answer {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn send(app: &axum::Router, req: Request<Body>) -> Answer {
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let content_type = r
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = to_bytes(r.into_body(), 1 << 22).await.unwrap();
    Answer {
        status,
        content_type,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

async fn call(f: &Fixture, method: &str, uri: &str, user: &str, body: Option<Value>) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(auth) = f.auth(user) {
        req = req.header(header::AUTHORIZATION, auth);
    }
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    send(&f.app, req.body(body).unwrap()).await
}

#[tokio::test]
async fn subscriptions_are_created_listed_and_deleted_per_user() {
    let f = fixture(false);
    let a = call(
        &f,
        "POST",
        "/api/subscriptions",
        "ana",
        Some(
            json!({"channel": "webhook", "webhook_url": "https://hooks.example.go.id/w",
                    "diseases": "dengue, malaria", "place": "32", "min_severity": "medium",
                    "webhook_format": "cap"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let created = a.json();
    assert_eq!(created["webhook_secret"].as_str().unwrap().len(), 64);
    assert_eq!(created["diseases"], json!(["dengue", "malaria"]));
    assert_eq!(created["user"], "ana");
    let id = created["id"].as_i64().unwrap();

    let list = call(&f, "GET", "/api/subscriptions", "ana", None)
        .await
        .json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(
        list[0].get("webhook_secret").is_none(),
        "the secret is shown once only"
    );
    let theirs = call(&f, "GET", "/api/subscriptions", "budi", None)
        .await
        .json();
    assert!(theirs.as_array().unwrap().is_empty());

    for (body, words) in [
        (json!({"channel": "sms"}), "channel"),
        (json!({"channel": "email"}), "email is required"),
        (
            json!({"channel": "email", "email": "not an address"}),
            "not an e-mail",
        ),
        (
            json!({"channel": "webhook", "webhook_url": "javascript:alert(1)"}),
            "http",
        ),
        (
            json!({"channel": "atom", "diseases": "unicorn-pox"}),
            "unknown disease",
        ),
        (
            json!({"channel": "atom", "place": "99.99"}),
            "unknown place",
        ),
        (
            json!({"channel": "atom", "min_severity": "extreme"}),
            "min_severity",
        ),
    ] {
        let a = call(&f, "POST", "/api/subscriptions", "ana", Some(body.clone())).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            a.json()["error"].as_str().unwrap().contains(words),
            "{body}: {}",
            a.body
        );
    }

    let uri = format!("/api/subscriptions/{id}");
    assert_eq!(
        call(&f, "DELETE", &uri, "budi", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&f, "DELETE", &uri, "ana", None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&f, "DELETE", &uri, "ana", None).await.status,
        StatusCode::NOT_FOUND
    );
    let list = call(&f, "GET", "/api/subscriptions", "ana", None)
        .await
        .json();
    assert!(list.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn atom_feed_lists_alerted_signals_and_only_for_its_token() {
    let f = fixture(false);
    let created = call(
        &f,
        "POST",
        "/api/subscriptions",
        "ana",
        Some(json!({"channel": "atom", "place": "32", "language": "en"})),
    )
    .await
    .json();
    let feed_url = created["feed_url"].as_str().unwrap().to_string();
    let path = feed_url
        .strip_prefix("https://waspada.example.go.id")
        .unwrap()
        .to_string();
    assert!(
        path.starts_with("/feeds/") && path.ends_with(".atom"),
        "{path}"
    );

    let mut store = f.data.store().unwrap();
    let inside = add_signal(&mut store, "32.05");
    let outside = add_signal(&mut store, "35.07");
    let pass = Dispatcher::new(AlertsConfig::default())
        .unwrap()
        .run_once(&mut store, waspada_store::now_ms())
        .await
        .unwrap();
    assert_eq!(pass.enqueued, 1);

    let a = call(&f, "GET", &path, "anyone", None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.content_type.starts_with("application/atom+xml"));
    let feed = feed_rs::parser::parse(a.body.as_bytes()).unwrap();
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(feed.entries[0].id, format!("urn:waspada:signal:{inside}"));
    assert!(!a.body.contains(&format!("urn:waspada:signal:{outside}")));
    assert_eq!(
        feed.entries[0].links[0].href,
        format!("https://waspada.example.go.id/signals/{inside}")
    );

    // A wrong token, a malformed one, and the token after deletion: all 404.
    let wrong = format!("/feeds/{}.atom", "0".repeat(64));
    assert_eq!(
        call(&f, "GET", &wrong, "x", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&f, "GET", "/feeds/..%2Fx.atom", "x", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let id = created["id"].as_i64().unwrap();
    call(
        &f,
        "DELETE",
        &format!("/api/subscriptions/{id}"),
        "ana",
        None,
    )
    .await;
    assert_eq!(
        call(&f, "GET", &path, "x", None).await.status,
        StatusCode::NOT_FOUND
    );

    let alerts = call(&f, "GET", "/api/alerts?channel=atom&status=sent", "x", None)
        .await
        .json();
    assert_eq!(alerts["total"], 1);
    assert_eq!(alerts["items"][0]["signal_id"], inside);
    let none = call(&f, "GET", "/api/alerts?status=pending", "x", None)
        .await
        .json();
    assert_eq!(none["total"], 0);
    assert_eq!(
        call(&f, "GET", "/api/alerts?status=lost", "x", None)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn cap_is_served_for_escalated_signals_only() {
    let f = fixture(true);
    let id = add_signal(&mut f.data.store().unwrap(), "32.05");
    let uri = format!("/api/signals/{id}/cap.xml");
    let a = call(&f, "GET", &uri, "ana", None).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.json()["error"].as_str().unwrap().contains("escalated"));
    assert_eq!(
        call(&f, "GET", "/api/signals/999/cap.xml", "ana", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let t = call(
        &f,
        "POST",
        &format!("/api/signals/{id}/triage"),
        "ana",
        Some(json!({"action": "escalate"})),
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    let a = call(&f, "GET", &uri, "ana", None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.content_type.starts_with("application/xml"));
    assert!(
        a.body
            .contains(&format!("<identifier>waspada-signal-{id}-e1</identifier>"))
    );
    assert!(
        a.body
            .contains("<sender>waspada@dinkes.example.go.id</sender>")
    );
    assert!(
        a.body.contains("<status>Exercise</status>"),
        "synthetic data are an exercise"
    );
    assert!(a.body.contains("<msgType>Alert</msgType>"));
    assert!(a.body.contains("Dengue: 9 stories &lt;&amp;&gt;"));

    // A second escalation makes an Update.
    call(
        &f,
        "POST",
        &format!("/api/signals/{id}/triage"),
        "ana",
        Some(json!({"action": "escalate"})),
    )
    .await;
    let a = call(&f, "GET", &uri, "ana", None).await;
    assert!(a.body.contains("<msgType>Update</msgType>"));
    assert!(a.body.contains(&format!("waspada-signal-{id}-e1,")));
}

#[tokio::test]
async fn the_page_adds_and_removes_subscriptions_with_htmx() {
    let f = fixture(false);
    for (lang, words) in [
        ("id", "Langganan peringatan"),
        ("en", "Alert subscriptions"),
    ] {
        let a = call(
            &f,
            "GET",
            &format!("/settings/subscriptions?lang={lang}"),
            "ana",
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains(words), "{lang}");
        assert!(a.body.contains("hx-post=\"/settings/subscriptions\""));
    }
    let form = |body: &str| {
        Request::post("/settings/subscriptions?lang=en")
            .header(header::AUTHORIZATION, f.auth("ana").unwrap())
            .header("hx-request", "true")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let a = send(&f.app, form("channel=email&email=analis%40dinkes.example.go.id&digest=daily&place=32&diseases=dengue&min_severity=low&trigger=escalated&language=id")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(
        a.body.starts_with("<section id=\"subscriptions\">"),
        "htmx gets the list only"
    );
    assert!(a.body.contains("analis@dinkes.example.go.id (daily)"));
    assert!(a.body.contains("Subscription created."));
    assert!(a.body.contains("escalated signals only"));

    let a = send(&f.app, form("channel=email&email=%3Cscript%3Ex")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("role=\"alert\""));
    assert!(
        !a.body.contains("<script>x"),
        "errors are escaped: {}",
        a.body
    );

    let a = send(&f.app, form("channel=atom")).await;
    assert!(a.body.contains("https://waspada.example.go.id/feeds/"));

    let id = call(&f, "GET", "/api/subscriptions", "ana", None)
        .await
        .json()[0]["id"]
        .as_i64()
        .unwrap();
    let del = Request::post(format!("/settings/subscriptions/{id}/delete"))
        .header(header::AUTHORIZATION, f.auth("ana").unwrap())
        .header("hx-request", "true")
        .body(Body::empty())
        .unwrap();
    let a = send(&f.app, del).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(!a.body.contains(&format!("subscription-{id}\"")));
    assert_eq!(
        call(&f, "GET", "/api/subscriptions", "ana", None)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
