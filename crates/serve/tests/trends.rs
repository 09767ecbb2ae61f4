//! Sparklines on the signals pages: a store with series counts and signals written
//! directly (no ingest), so the trend each row must show is known exactly.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use waspada_pipeline::DataDir;
use waspada_serve::accounts::create_token;
use waspada_serve::{AppState, router};
use waspada_store::{NewSignal, Role};

struct Fixture {
    _dir: tempfile::TempDir,
    app: axum::Router,
    token: String,
    /// A weekly signal on a series with counts, and a daily one on a series without any.
    weekly: i64,
    daily: i64,
}

fn signal(frequency: &str, period: &str, upperbound: Option<f64>) -> NewSignal {
    NewSignal {
        disease_id: "dengue".into(),
        area_level: "regency".into(),
        area_code: "32.05".into(),
        frequency: frequency.into(),
        period_start: period.into(),
        period_end: period.into(),
        method: "ears-c2".into(),
        observed: 9,
        expected: Some(1.5),
        upperbound,
        score: Some(3.0),
        explanation: "more stories than expected".into(),
    }
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::create(dir.path()).unwrap();
    let mut store = data.store().unwrap();
    // Weekly dengue stories in Garut: one 12 weeks back (outside the trend), then the
    // weeks of 1 September, 10 and 17 November (the signal's week), and one after it.
    for (period, n) in [
        ("2025-08-25", 7),
        ("2025-09-01", 1),
        ("2025-11-10", 3),
        ("2025-11-17", 9),
        ("2025-11-24", 5),
    ] {
        store
            .connection()
            .execute(
                "INSERT INTO series_counts VALUES ('dengue', 'regency', '32.05', 'weekly', ?1, ?2)",
                rusqlite::params![period, n],
            )
            .unwrap();
    }
    let b = store.batch().unwrap();
    let weekly = b
        .upsert_signal(&signal("weekly", "2025-11-17", Some(4.2)))
        .unwrap();
    let daily = b
        .upsert_signal(&signal("daily", "2025-11-20", None))
        .unwrap();
    b.commit().unwrap();
    let token = create_token(&mut store, "uji", Role::Analyst, None).unwrap();
    let app = router(AppState::open(dir.path()).unwrap());
    Fixture {
        _dir: dir,
        app,
        token,
        weekly,
        daily,
    }
}

async fn send(f: &Fixture, req: Request<Body>) -> (StatusCode, String) {
    let mut req = req;
    req.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {}", f.token).parse().unwrap(),
    );
    let res = f.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn page(f: &Fixture, uri: &str) -> String {
    let (status, body) = send(f, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    body
}

/// The `<svg>` in the row of signal `id`.
fn row_svg(html: &str, id: i64) -> String {
    let row = html
        .split(&format!("<tr id=\"signal-{id}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("no row for signal {id}: {html}"));
    let row = &row[..row.find("</tr>").unwrap()];
    let cell = row
        .split("<td class=\"trend\">")
        .nth(1)
        .expect("a trend cell");
    cell[..cell.find("</td>").unwrap()].to_string()
}

/// The polyline's y values (down is more in SVG: the largest count has the smallest y).
fn ys(svg: &str) -> Vec<f64> {
    let pts = svg.split("points=\"").nth(1).expect("a polyline");
    pts[..pts.find('"').unwrap()]
        .split(' ')
        .map(|p| p.split_once(',').unwrap().1.parse().unwrap())
        .collect()
}

#[tokio::test]
async fn signals_page_draws_each_signals_recent_trend() {
    let f = fixture();
    let html = page(&f, "/signals?lang=en").await;
    assert!(html.contains("<th>Trend</th>"), "{html}");

    let svg = row_svg(&html, f.weekly);
    assert!(svg.starts_with("<svg class=\"sparkline\""), "{svg}");
    // Twelve weeks ending at the signal's week, gaps as zeros, the week after left out.
    let label = "12-week trend: 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 9; threshold 4.2";
    assert!(svg.contains(&format!("aria-label=\"{label}\"")), "{svg}");
    assert!(svg.contains(&format!("<title>{label}</title>")), "{svg}");
    let y = ys(&svg);
    assert_eq!(y.len(), 12);
    assert!(y[11] < y[10] && y[10] < y[0] && y[0] < y[1], "{y:?}");
    assert!(
        svg.contains("class=\"spark-point\""),
        "the signal's week is marked"
    );
    assert!(
        svg.contains("class=\"spark-threshold\""),
        "the threshold is drawn"
    );

    // A series with no stored counts is flat at zero, and without a threshold no line.
    let flat = row_svg(&html, f.daily);
    assert!(flat.contains("aria-label=\"30-day trend: 0, 0, "), "{flat}");
    let y = ys(&flat);
    assert_eq!(y.len(), 30);
    assert!(y.iter().all(|v| *v == y[0]), "{y:?}");
    assert!(!flat.contains("spark-threshold"));

    // Indonesian by default.
    let id = page(&f, "/signals").await;
    assert!(
        row_svg(&id, f.weekly).contains(
            "aria-label=\"Tren 12 minggu: 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 9; ambang 4.2\""
        ),
        "{id}"
    );
}

#[tokio::test]
async fn the_signal_page_and_the_triaged_row_keep_their_sparkline() {
    let f = fixture();
    let detail = page(&f, &format!("/signals/{}?lang=en", f.weekly)).await;
    assert!(row_svg(&detail, f.weekly).contains("12-week trend: 1, 0,"));

    // htmx swaps the row after a triage: the new row still has its trend.
    let req = Request::post(format!("/signals/{}/triage?lang=en", f.weekly))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("hx-request", "true")
        .body(Body::from("action=verify"))
        .unwrap();
    let (status, row) = send(&f, req).await;
    assert_eq!(status, StatusCode::OK, "{row}");
    assert!(row.contains("status-verified"), "{row}");
    assert!(
        row_svg(&row, f.weekly).contains("12-week trend: 1, 0,"),
        "{row}"
    );
}
