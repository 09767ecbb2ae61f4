//! Security of the server, through the router with `oneshot` (no sockets): login and
//! sessions, cookies, CSRF, cross-site requests, roles, API tokens, logout, the login
//! slow-down and redirects after login. Each test has its own data directory with one
//! signal and the users `ani` (admin), `budi` (analyst) and `citra` (viewer).

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;
use waspada_pipeline::DataDir;
use waspada_serve::accounts::{
    self, FREE_ACCOUNT_FAILURES, FREE_ADDRESS_FAILURES, create_token, create_user,
};
use waspada_serve::{AppState, router};
use waspada_store::{NewSignal, Role, Store};

const PASSWORD: &str = "kopi tubruk tanpa gula";
const HOST: &str = "127.0.0.1:8080";

struct Fixture {
    dir: tempfile::TempDir,
    app: axum::Router,
    signal: i64,
}

impl Fixture {
    fn new() -> Fixture {
        Self::with(|_| {})
    }

    fn with(tune: impl FnOnce(&mut AppState)) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::create(dir.path()).unwrap();
        let mut store = data.store().unwrap();
        let b = store.batch().unwrap();
        let signal = b
            .upsert_signal(&NewSignal {
                disease_id: "dengue".into(),
                area_level: "regency".into(),
                area_code: "32.05".into(),
                frequency: "weekly".into(),
                period_start: "2025-12-15".into(),
                period_end: "2025-12-21".into(),
                method: "ears-c2".into(),
                observed: 9,
                expected: Some(2.0),
                upperbound: Some(5.0),
                score: Some(4.0),
                explanation: "lebih banyak berita dari biasanya".into(),
            })
            .unwrap();
        b.commit().unwrap();
        for (name, role) in [
            ("ani", Role::Admin),
            ("budi", Role::Analyst),
            ("citra", Role::Viewer),
        ] {
            create_user(&mut store, name, role, PASSWORD).unwrap();
        }
        drop(store);
        let mut state = AppState::open(dir.path()).unwrap();
        tune(&mut state);
        Fixture {
            app: router(state),
            dir,
            signal,
        }
    }

    fn store(&self) -> Store {
        Store::open(&self.dir.path().join("waspada.sqlite")).unwrap()
    }

    async fn send(&self, req: Request<Body>) -> Answer {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = to_bytes(res.into_body(), 4 << 20).await.unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    async fn get(&self, uri: &str, cookie: Option<&str>) -> Answer {
        let mut req = Request::get(uri).header(header::HOST, HOST);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    async fn login(&self, name: &str, password: &str, next: &str) -> Answer {
        let body = serde_urlencoded::to_string([
            ("username", name),
            ("password", password),
            ("next", next),
        ])
        .unwrap();
        self.send(form("/login").body(Body::from(body)).unwrap())
            .await
    }

    /// Logs in and returns the session (cookie and CSRF token).
    async fn session(&self, name: &str) -> Session {
        let a = self.login(name, PASSWORD, "/signals").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "login {name}: {}", a.body);
        let cookie = session_cookie(&a.headers).expect("a session cookie");
        let me = self.get("/api/me", Some(&cookie)).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
        let me = me.json();
        assert_eq!(me["user"], name);
        assert_eq!(me["via"], "session");
        Session {
            cookie,
            csrf: me["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    /// A JSON triage as a session, with the CSRF header when given.
    async fn triage(&self, s: &Session, csrf: Option<&str>, extra: &[(&str, &str)]) -> Answer {
        let mut req = Request::post(format!("/api/signals/{}/triage", self.signal))
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, &s.cookie);
        if let Some(t) = csrf {
            req = req.header("x-csrf-token", t);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        self.send(
            req.body(Body::from(json!({"action": "verify"}).to_string()))
                .unwrap(),
        )
        .await
    }

    async fn bearer(&self, method: &str, uri: &str, token: &str, body: Value) -> Answer {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }
}

struct Session {
    cookie: String,
    csrf: String,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map_or("", |v| v.to_str().unwrap())
    }

    fn set_cookie(&self) -> &str {
        self.headers
            .get(header::SET_COOKIE)
            .map_or("", |v| v.to_str().unwrap())
    }
}

fn form(uri: &str) -> axum::http::request::Builder {
    Request::post(uri)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

/// `waspada_session=<id>` from a login answer.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    let set = headers.get(header::SET_COOKIE)?.to_str().ok()?;
    let pair = set.split(';').next()?.trim();
    (pair.starts_with("waspada_session=") && pair.len() > "waspada_session=".len())
        .then(|| pair.to_string())
}

#[tokio::test]
async fn without_login_pages_redirect_and_the_api_answers_401() {
    let f = Fixture::new();
    let a = f.get("/signals?lang=en", None).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), "/login?next=%2Fsignals%3Flang%3Den");
    for uri in ["/api/signals", "/api/me", "/api/users", "/api/nothing"] {
        let a = f.get(uri, None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{uri}");
        assert!(
            a.json()["error"].as_str().unwrap().contains("log in"),
            "{uri}"
        );
        assert_eq!(a.headers[header::WWW_AUTHENTICATE], "Bearer");
    }
    let a = f
        .triage(
            &Session {
                cookie: String::new(),
                csrf: String::new(),
            },
            None,
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    // htmx is told to load the login page instead of swapping it into a table row.
    let req = Request::get("/signals")
        .header("hx-request", "true")
        .body(Body::empty())
        .unwrap();
    let a = f.send(req).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.headers["hx-redirect"], "/login?next=%2Fsignals");
    // A cookie that is no session is no login.
    let a = f.get("/api/me", Some("waspada_session=made-up")).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    // What stays public.
    for uri in ["/login", "/assets/app.css", "/api/openapi.json", "/healthz"] {
        assert_eq!(f.get(uri, None).await.status, StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn login_sets_a_hardened_cookie_and_a_new_session_each_time() {
    let f = Fixture::new();
    let a = f.login("budi", PASSWORD, "/signals/1?lang=en").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.location(), "/signals/1?lang=en");
    let set = a.set_cookie();
    for attr in [
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Path=/",
        "Max-Age=43200",
    ] {
        assert!(set.split("; ").any(|p| p == attr), "{attr} missing: {set}");
    }
    let first = session_cookie(&a.headers).unwrap();
    assert!(first.len() > "waspada_session=".len() + 40, "{first}");
    // Only a hash of the id is stored.
    let id = first.trim_start_matches("waspada_session=");
    let stored: Vec<String> = f
        .store()
        .connection()
        .prepare("SELECT id_hash FROM sessions")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored, [accounts::sha256_hex(id)]);

    // Logging in again while holding a session (or a planted cookie) gives a new id and
    // ends the old session: no session fixation.
    let body = format!(
        "username=budi&password={}&next=%2F",
        PASSWORD.replace(' ', "+")
    );
    let again = f
        .send(
            form("/login")
                .header(header::COOKIE, &first)
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
    let second = session_cookie(&again.headers).unwrap();
    assert_ne!(first, second);
    assert_eq!(
        f.get("/api/me", Some(&first)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(f.get("/api/me", Some(&second)).await.status, StatusCode::OK);

    // Without Secure only when the server is told it runs on plain HTTP.
    let plain = Fixture::with(|s| s.secure_cookies = false);
    let a = plain.login("budi", PASSWORD, "/").await;
    assert!(!a.set_cookie().contains("Secure"), "{}", a.set_cookie());
    assert!(a.set_cookie().contains("HttpOnly"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let f = Fixture::new();
    let wrong = f.login("budi", "not the password", "/").await;
    let unknown = f.login("bodi", "not the password", "/").await;
    // A disabled account answers the same too, even with the right password.
    let mut store = f.store();
    let citra = store.credentials("citra").unwrap().unwrap().user.id;
    store.set_disabled(citra, true).unwrap();
    let disabled = f.login("citra", PASSWORD, "/").await;
    for a in [&wrong, &unknown, &disabled] {
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert!(a.set_cookie().is_empty(), "no cookie on failure");
        assert!(a.body.contains("Nama pengguna atau kata sandi salah."));
    }
    // The pages differ only in the name typed back into the form.
    assert_eq!(
        wrong.body.replace("budi", "X"),
        unknown.body.replace("bodi", "X")
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_and_the_address() {
    let f = Fixture::new();
    for _ in 0..FREE_ACCOUNT_FAILURES {
        assert_eq!(
            f.login("budi", "tebakan salah", "/").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password waits, and the answer says so.
    let locked = f.login("budi", PASSWORD, "/").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.set_cookie().is_empty());
    assert!(
        locked.body.contains("Terlalu banyak percobaan"),
        "{}",
        locked.body
    );
    // Unknown names lock the same way: the lock says nothing about who exists.
    for _ in 0..FREE_ACCOUNT_FAILURES {
        f.login("hantu", "tebakan salah", "/").await;
    }
    let ghost = f.login("hantu", "tebakan salah", "/").await;
    assert_eq!(ghost.status, StatusCode::TOO_MANY_REQUESTS);
    // Another account is not affected.
    assert_eq!(
        f.login("ani", PASSWORD, "/").await.status,
        StatusCode::SEE_OTHER
    );

    // One address guessing many names is slowed down too.
    let from = |name: &str, password: &str| {
        let body = format!("username={name}&password={}", password.replace(' ', "+"));
        let mut req = form("/login").body(Body::from(body)).unwrap();
        req.extensions_mut().insert(ConnectInfo(
            "203.0.113.9:5000".parse::<SocketAddr>().unwrap(),
        ));
        req
    };
    let mut statuses = Vec::new();
    for i in 0..25 {
        statuses.push(f.send(from(&format!("tamu{i}"), "salah")).await.status);
    }
    assert!(
        statuses[..FREE_ADDRESS_FAILURES as usize]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED)
    );
    assert!(
        statuses[FREE_ADDRESS_FAILURES as usize..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS)
    );
    let a = f.send(from("ani", PASSWORD)).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "the address waits");
}

#[tokio::test]
async fn a_viewer_cannot_triage_and_an_analyst_can() {
    let f = Fixture::new();
    let viewer = f.session("citra").await;
    let a = f.triage(&viewer, Some(&viewer.csrf), &[]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(
        a.json()["error"].as_str().unwrap().contains("viewer"),
        "{}",
        a.body
    );
    // The viewer still reads.
    assert_eq!(
        f.get("/api/signals", Some(&viewer.cookie)).await.status,
        StatusCode::OK
    );
    let page = f.get("/signals", Some(&viewer.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("signal-{}", f.signal)));
    assert!(
        !page.body.contains(r#"class="triage""#),
        "no buttons a viewer cannot use"
    );

    let analyst = f.session("budi").await;
    let a = f.triage(&analyst, Some(&analyst.csrf), &[]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        a.json()["history"][0]["user"],
        "budi",
        "the logged-in user is recorded"
    );
}

#[tokio::test]
async fn changes_with_the_session_cookie_need_the_csrf_token() {
    let f = Fixture::new();
    let s = f.session("budi").await;
    let a = f.triage(&s, None, &[]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.json()["error"].as_str().unwrap().contains("CSRF"));
    // The token with its last character changed (to another one: a token may end in 0).
    let last = if s.csrf.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &s.csrf[..s.csrf.len() - 1]);
    assert_ne!(wrong, s.csrf);
    assert_eq!(
        f.triage(&s, Some(&wrong), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    // Another session's token does not fit this one.
    let other = f.session("ani").await;
    assert_eq!(
        f.triage(&s, Some(&other.csrf), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        f.triage(&s, Some(&s.csrf), &[]).await.status,
        StatusCode::OK
    );

    // The dashboard's plain form: the token in a hidden field; refused without it.
    let uri = format!("/signals/{}/triage", f.signal);
    let post = |body: String| {
        form(&uri)
            .header(header::COOKIE, &s.cookie)
            .body(Body::from(body))
            .unwrap()
    };
    let a = f.send(post("action=note&note=tanpa+token".into())).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.body.contains("<html"), "people get a page");
    let a = f
        .send(post(format!(
            "action=note&note=dengan+token&csrf_token={}",
            s.csrf
        )))
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let history = f.store().triage_history(f.signal).unwrap();
    let notes: Vec<_> = history.iter().filter_map(|h| h.note.as_deref()).collect();
    assert_eq!(notes, ["dengan token"]);
}

#[tokio::test]
async fn requests_from_other_sites_are_refused() {
    let f = Fixture::new();
    let s = f.session("budi").await;
    let evil = [("origin", "https://evil.example")];
    let a = f.triage(&s, Some(&s.csrf), &evil).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.json()["error"].as_str().unwrap().contains("another site"));
    let a = f
        .triage(&s, Some(&s.csrf), &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // `Origin: null` (a form under `Referrer-Policy: no-referrer`) only with a same-origin
    // Sec-Fetch-Site.
    let a = f.triage(&s, Some(&s.csrf), &[("origin", "null")]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let null_same = [("origin", "null"), ("sec-fetch-site", "same-origin")];
    assert_eq!(
        f.triage(&s, Some(&s.csrf), &null_same).await.status,
        StatusCode::OK
    );
    let same = [
        ("origin", "http://127.0.0.1:8080"),
        ("sec-fetch-site", "same-origin"),
    ];
    assert_eq!(
        f.triage(&s, Some(&s.csrf), &same).await.status,
        StatusCode::OK
    );
    // Logging someone in from another site is refused as well.
    let body = format!("username=budi&password={}", PASSWORD.replace(' ', "+"));
    let a = f
        .send(
            form("/login")
                .header("origin", "https://evil.example")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.set_cookie().is_empty());
}

#[tokio::test]
async fn api_tokens_work_without_csrf_until_revoked() {
    let f = Fixture::new();
    let mut store = f.store();
    let machine = create_token(&mut store, "mesin", Role::Analyst, None).unwrap();
    let reader = create_token(&mut store, "pembaca", Role::Viewer, None).unwrap();
    assert!(machine.starts_with("wsp_"));
    let stored: String = store
        .connection()
        .query_row(
            "SELECT token_hash FROM api_tokens WHERE name = 'mesin'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(stored, machine, "only the hash is stored");

    let uri = format!("/api/signals/{}/triage", f.signal);
    let verify = json!({"action": "verify"});
    let a = f.bearer("POST", &uri, &machine, verify.clone()).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["history"][0]["user"], "mesin");
    let me = f
        .bearer("GET", "/api/me", &machine, Value::Null)
        .await
        .json();
    assert_eq!(
        (me["role"].as_str(), me["via"].as_str()),
        (Some("analyst"), Some("token"))
    );
    assert!(me.get("csrf_token").is_none());

    let a = f.bearer("POST", &uri, &reader, verify.clone()).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "a viewer token reads only");
    assert_eq!(
        f.bearer("GET", "/api/signals", &reader, Value::Null)
            .await
            .status,
        StatusCode::OK
    );

    // A bearer header that is not a live token is refused, even with a valid cookie.
    let a = f
        .bearer("GET", "/api/signals", "wsp_0000", Value::Null)
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let basic = Request::get("/api/signals")
        .header(header::AUTHORIZATION, "Basic YnVkaTp4")
        .body(Body::empty())
        .unwrap();
    assert_eq!(f.send(basic).await.status, StatusCode::UNAUTHORIZED);
    assert!(
        store
            .revoke_token("mesin", waspada_store::now_ms())
            .unwrap()
    );
    let a = f.bearer("POST", &uri, &machine, verify).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.json()["error"].as_str().unwrap().contains("revoked"));
}

#[tokio::test]
async fn an_expired_token_is_refused_with_its_date_and_use_is_recorded() {
    let f = Fixture::new();
    let mut store = f.store();
    let now = waspada_store::now_ms();
    let live = create_token(&mut store, "harian", Role::Viewer, Some(now + 3_600_000)).unwrap();
    let expired = create_token(&mut store, "lama", Role::Analyst, Some(now - 1)).unwrap();

    let a = f.bearer("GET", "/api/signals", &live, Value::Null).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let used = |name: &str| {
        store
            .tokens()
            .unwrap()
            .into_iter()
            .find(|t| t.name == name)
            .unwrap()
            .last_used_at
    };
    let first_use = used("harian").expect("the use is recorded");
    assert!(first_use >= now);
    // Within the hour the recorded use stays as it was: no write per request.
    f.bearer("GET", "/api/signals", &live, Value::Null).await;
    assert_eq!(used("harian"), Some(first_use));

    let a = f.bearer("GET", "/api/signals", &expired, Value::Null).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    let day = jiff::Timestamp::from_millisecond(now - 1)
        .unwrap()
        .strftime("%Y-%m-%d")
        .to_string();
    let message = a.json()["error"].as_str().unwrap().to_string();
    assert!(message.contains(&format!("expired on {day}")), "{message}");
    assert!(
        message.contains("waspada token add lama --role analyst"),
        "{message}"
    );
    assert_eq!(used("lama"), None, "an expired token's use is not recorded");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let f = Fixture::new();
    let s = f.session("citra").await;
    let logout = |csrf: Option<&str>| {
        let body = csrf.map(|t| format!("csrf_token={t}")).unwrap_or_default();
        form("/logout")
            .header(header::COOKIE, &s.cookie)
            .body(Body::from(body))
            .unwrap()
    };
    // Without the token a page of another site could log people out: refused.
    assert_eq!(f.send(logout(None)).await.status, StatusCode::FORBIDDEN);
    let a = f.send(logout(Some(&s.csrf))).await;
    assert_eq!(
        a.status,
        StatusCode::SEE_OTHER,
        "a viewer may log out: {}",
        a.body
    );
    assert_eq!(a.location(), "/login");
    assert!(a.set_cookie().contains("Max-Age=0"), "{}", a.set_cookie());
    // The old cookie, replayed, opens nothing.
    assert_eq!(
        f.get("/api/me", Some(&s.cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        f.get("/signals", Some(&s.cookie)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn user_management_is_for_admins() {
    let f = Fixture::new();
    let analyst = f.session("budi").await;
    let a = f.get("/settings/users", Some(&analyst.cookie)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.body.contains("admin"));
    assert_eq!(
        f.get("/api/users", Some(&analyst.cookie)).await.status,
        StatusCode::FORBIDDEN
    );
    let hub = f.get("/settings?lang=en", Some(&analyst.cookie)).await;
    assert_eq!(hub.status, StatusCode::OK);
    assert!(
        !hub.body.contains("/settings/users"),
        "no link to what they cannot open"
    );
    // An analyst's form to the users page is refused too (the role, not only the link).
    let body = format!(
        "name=eko&role=admin&password=panjang+sekali+ya&csrf_token={}",
        analyst.csrf
    );
    let a = f
        .send(
            form("/settings/users")
                .header(header::COOKIE, &analyst.cookie)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);

    let admin = f.session("ani").await;
    let page = f.get("/settings/users?lang=en", Some(&admin.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    for name in ["ani", "budi", "citra"] {
        assert!(page.body.contains(name));
    }
    let users = f.get("/api/users", Some(&admin.cookie)).await.json();
    assert_eq!(users["users"].as_array().unwrap().len(), 3);
    assert!(
        !users.to_string().contains("argon2"),
        "no hashes in answers"
    );

    let post = |uri: &str, body: String| {
        form(uri)
            .header(header::COOKIE, &admin.cookie)
            .body(Body::from(body))
            .unwrap()
    };
    let a = f
        .send(post(
            "/settings/users",
            format!(
                "name=eko&role=analyst&password=pendek&csrf_token={}",
                admin.csrf
            ),
        ))
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "short password");
    assert!(a.body.contains("12"));
    let a = f
        .send(post(
            "/settings/users",
            format!(
                "name=eko&role=analyst&password=sepeda+motor+merah&csrf_token={}",
                admin.csrf
            ),
        ))
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let eko = f.session_with("eko", "sepeda motor merah").await;
    let store = f.store();
    let id = |n: &str| store.credentials(n).unwrap().unwrap().user.id;
    let a = f
        .send(post(
            &format!("/settings/users/{}/role", id("eko")),
            format!("role=viewer&csrf_token={}", admin.csrf),
        ))
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let me = f.get("/api/me", Some(&eko)).await.json();
    assert_eq!(me["role"], "viewer", "a role change applies at once");
    let a = f
        .send(post(
            &format!("/settings/users/{}/disabled", id("eko")),
            format!("disabled=true&csrf_token={}", admin.csrf),
        ))
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(
        f.get("/api/me", Some(&eko)).await.status,
        StatusCode::UNAUTHORIZED,
        "disabling ends sessions"
    );
    // The last admin stays an admin.
    let a = f
        .send(post(
            &format!("/settings/users/{}/disabled", id("ani")),
            format!("disabled=true&csrf_token={}", admin.csrf),
        ))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
}

impl Fixture {
    /// Logs in with a password and returns the cookie.
    async fn session_with(&self, name: &str, password: &str) -> String {
        let a = self.login(name, password, "/").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        session_cookie(&a.headers).unwrap()
    }
}

#[tokio::test]
async fn after_login_only_local_paths_are_followed() {
    let f = Fixture::new();
    for (next, expected) in [
        ("/signals/1?lang=en", "/signals/1?lang=en"),
        ("//evil.example/phish", "/signals"),
        ("https://evil.example/", "/signals"),
        ("/\\evil.example", "/signals"),
        ("", "/signals"),
    ] {
        let a = f.login("citra", PASSWORD, next).await;
        assert_eq!(a.location(), expected, "next={next:?}");
    }
    let page = f.get("/login?next=https%3A%2F%2Fevil.example", None).await;
    // (The language link repeats the query on /login itself, where it is checked again.)
    assert!(
        !page.body.contains("=\"https://evil.example"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"name="next" value="/signals""#),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn every_post_form_carries_the_csrf_token_and_htmx_sends_it() {
    let f = Fixture::new();
    let s = f.session("ani").await;
    for uri in [
        "/signals".to_string(),
        format!("/signals/{}", f.signal),
        "/settings/users".to_string(),
    ] {
        let page = f.get(&uri, Some(&s.cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(
            page.body
                .contains(&format!(r#"hx-headers='{{"X-CSRF-Token": "{}"}}'"#, s.csrf)),
            "{uri}: no hx-headers"
        );
        let mut forms = 0;
        for chunk in page.body.split("<form").skip(1) {
            let form = &chunk[..chunk.find("</form>").unwrap()];
            if form.contains(r#"method="post""#) {
                forms += 1;
                assert!(
                    form.contains(&format!(r#"name="csrf_token" value="{}""#, s.csrf)),
                    "{uri}: a post form without the token: {form}"
                );
            }
        }
        assert!(forms >= 2, "{uri}: logout and at least one more form");
        assert!(page.body.contains("ani"), "who is logged in is shown");
    }
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let f = Fixture::new();
    let c = f.store().credentials("budi").unwrap().unwrap();
    assert!(c.password_hash.starts_with("$argon2id$"));
    assert!(!c.password_hash.contains(PASSWORD));
    assert!(accounts::verify_password(PASSWORD, &c.password_hash));
    assert!(!accounts::verify_password(
        "kopi tubruk pakai gula",
        &c.password_hash
    ));
}

/// The change-password form, sent with the session's cookie and CSRF token.
fn password_form(s: &Session, current: &str, new: &str, confirm: &str) -> Request<Body> {
    let body = serde_urlencoded::to_string([
        ("current", current),
        ("new", new),
        ("confirm", confirm),
        ("csrf_token", s.csrf.as_str()),
    ])
    .unwrap();
    form("/settings/password")
        .header(header::COOKIE, &s.cookie)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn anyone_with_a_session_changes_their_own_password_and_logs_in_again() {
    let f = Fixture::new();
    let s = f.session("citra").await; // a viewer: no other change is allowed to her
    let page = f.get("/settings/password", Some(&s.cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("id=\"change-password\""),
        "{}",
        page.body
    );
    assert!(
        f.get("/settings", Some(&s.cookie))
            .await
            .body
            .contains("/settings/password")
    );
    let change = |current: &str, new: &str, confirm: &str| password_form(&s, current, new, confirm);
    let new = "teh manis di pagi hari";
    let a = f.send(change("salah sekali ini", new, new)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    assert!(a.body.contains("current password is wrong"), "{}", a.body);
    let a = f
        .send(change(PASSWORD, new, "teh manis di sore hari"))
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(a.body.contains("differ"), "{}", a.body);
    let a = f.send(change(PASSWORD, "pendek", "pendek")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(a.body.contains("12"), "{}", a.body);
    // Nothing changed so far, and the session still works.
    assert_eq!(
        f.get("/api/me", Some(&s.cookie)).await.status,
        StatusCode::OK
    );
    // Without the CSRF token another site could change it: refused.
    let no_csrf = form("/settings/password")
        .header(header::COOKIE, &s.cookie)
        .body(Body::from(format!("current={PASSWORD}&new=x&confirm=x")))
        .unwrap();
    assert_eq!(f.send(no_csrf).await.status, StatusCode::FORBIDDEN);

    let a = f.send(change(PASSWORD, new, new)).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.location(), "/login");
    assert!(a.set_cookie().contains("Max-Age=0"), "{}", a.set_cookie());
    assert_eq!(
        f.get("/api/me", Some(&s.cookie)).await.status,
        StatusCode::UNAUTHORIZED,
        "the change ends the user's sessions"
    );
    assert_eq!(
        f.login("citra", PASSWORD, "/signals").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        f.login("citra", new, "/signals").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn wrong_current_passwords_lock_the_form_like_failed_logins() {
    let f = Fixture::new();
    let s = f.session("budi").await;
    let new = "sepeda motor merah";
    let wrong = |n: u32| password_form(&s, &format!("tebakan nomor {n}"), new, new);
    for n in 0..FREE_ACCOUNT_FAILURES {
        assert_eq!(f.send(wrong(n)).await.status, StatusCode::FORBIDDEN);
    }
    let a = f.send(wrong(99)).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
    // The same account's login is locked too: the form is no way around the throttle.
    assert_eq!(
        f.login("budi", PASSWORD, "/signals").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn an_api_token_has_no_password_to_change() {
    let f = Fixture::new();
    let token = create_token(&mut f.store(), "mesin", Role::Analyst, None).unwrap();
    let req = form("/settings/password")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(format!(
            "current={PASSWORD}&new=sepeda+motor+merah&confirm=sepeda+motor+merah"
        )))
        .unwrap();
    let a = f.send(req).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    assert!(a.body.contains("API token has no password"), "{}", a.body);
}
