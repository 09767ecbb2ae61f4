//! Fault tests against a local misbehaving server. Each finishes in a few seconds.

mod common;

use std::time::{Duration, Instant};

use common::{Reply, Server, test_config};
use waspada_fetch::{AddressClass, FetchConfig, FetchError, FetchOutcome, Fetcher, Validators};

fn fetcher(cfg: &FetchConfig) -> Fetcher {
    Fetcher::new(cfg).expect("valid config")
}

async fn get(f: &Fetcher, url: &str) -> Result<FetchOutcome, FetchError> {
    f.fetch(url, &Validators::default()).await
}

fn fetched(r: Result<FetchOutcome, FetchError>) -> waspada_fetch::Response {
    match r {
        Ok(FetchOutcome::Fetched(resp)) => resp,
        other => panic!("expected a fetched page, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_loris_hits_total_timeout() {
    let server = Server::start(|h, _| {
        (h.path == "/slow").then_some(Reply::Trickle {
            every: Duration::from_secs(1),
        })
    })
    .await;
    // One byte a second never trips the 1.5 s idle timeout; the total timeout stops it.
    let cfg = FetchConfig {
        read_timeout_secs: 1.5,
        total_timeout_secs: 2.5,
        max_retries: 0,
        ..test_config()
    };
    let f = fetcher(&cfg);
    let start = Instant::now();
    let err = get(&f, &server.url("/slow")).await.unwrap_err();
    let took = start.elapsed();
    assert!(matches!(err, FetchError::TotalTimeout { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("gave up after 2.5 s: 127.0.0.1 was too slow"),
        "{err}"
    );
    assert!(
        took >= Duration::from_millis(2500) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[tokio::test]
async fn silent_server_hits_read_timeout() {
    let server = Server::start(|h, _| (h.path == "/silent").then_some(Reply::Silent)).await;
    let cfg = FetchConfig {
        read_timeout_secs: 0.5,
        total_timeout_secs: 5.0,
        max_retries: 0,
        ..test_config()
    };
    let f = fetcher(&cfg);
    let start = Instant::now();
    let err = get(&f, &server.url("/silent")).await.unwrap_err();
    assert!(matches!(err, FetchError::ReadTimeout { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("timed out after 0.5 s waiting for data from 127.0.0.1"),
        "{msg}"
    );
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn retries_timeouts_then_gives_up() {
    let server = Server::start(|h, _| (h.path == "/silent").then_some(Reply::Silent)).await;
    let cfg = FetchConfig {
        read_timeout_secs: 0.3,
        max_retries: 1,
        ..test_config()
    };
    let err = get(&fetcher(&cfg), &server.url("/silent"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::GaveUp { attempts: 2, last } if matches!(**last, FetchError::ReadTimeout { .. })),
        "{err:?}"
    );
    assert_eq!(server.hits_on("/silent").len(), 2);
}

#[tokio::test]
async fn error_500_then_200_succeeds_after_retry() {
    let server = Server::start(|h, seen| match (h.path.as_str(), seen) {
        ("/flaky", 0) => Some(Reply::status(500)),
        ("/flaky", _) => Some(Reply::ok("text/html; charset=utf-8", "<p>Kasus campak</p>")),
        _ => None,
    })
    .await;
    let resp = fetched(get(&fetcher(&test_config()), &server.url("/flaky")).await);
    assert_eq!(resp.status, 200);
    assert!(resp.body_text.contains("Kasus campak"));
    assert_eq!(server.hits_on("/flaky").len(), 2);
}

#[tokio::test]
async fn error_500_forever_gives_up_after_n_attempts() {
    let server = Server::start(|h, _| (h.path == "/down").then_some(Reply::status(500))).await;
    let cfg = FetchConfig {
        max_retries: 2,
        ..test_config()
    };
    let err = get(&fetcher(&cfg), &server.url("/down")).await.unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::HttpStatus {
                status: 500,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    assert!(err.is_temporary());
    assert_eq!(server.hits_on("/down").len(), 3);
}

#[tokio::test]
async fn not_found_is_not_retried() {
    let server = Server::start(|_, _| None).await;
    let err = get(&fetcher(&test_config()), &server.url("/missing"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::HttpStatus {
                status: 404,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_temporary());
    assert_eq!(server.hits_on("/missing").len(), 1);
}

#[tokio::test]
async fn retry_after_one_second_is_honoured() {
    let server = Server::start(|h, seen| match (h.path.as_str(), seen) {
        ("/busy", 0) => Some(Reply::status(429).with_header("Retry-After", "1")),
        ("/busy", _) => Some(Reply::ok("text/plain", "ok")),
        _ => None,
    })
    .await;
    let resp = fetched(get(&fetcher(&test_config()), &server.url("/busy")).await);
    assert_eq!(resp.body_text, "ok");
    let hits = server.hits_on("/busy");
    assert_eq!(hits.len(), 2);
    let gap = hits[1].at - hits[0].at;
    assert!(
        gap >= Duration::from_millis(980),
        "retried after {gap:?}, before Retry-After"
    );
}

#[tokio::test]
async fn retry_after_an_hour_gives_up_with_retry_time() {
    let server = Server::start(|h, _| {
        (h.path == "/busy").then(|| Reply::status(429).with_header("Retry-After", "3600"))
    })
    .await;
    let err = get(&fetcher(&test_config()), &server.url("/busy"))
        .await
        .unwrap_err();
    match &err {
        FetchError::RetryLater {
            status: 429,
            wait,
            retry_at,
            ..
        } => {
            assert_eq!(*wait, Duration::from_secs(3600));
            assert!(retry_at.ends_with("GMT"), "{retry_at}");
        }
        other => panic!("expected RetryLater, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("wait 60 min") && msg.contains("try again after"),
        "{msg}"
    );
    assert_eq!(server.hits_on("/busy").len(), 1);
}

#[tokio::test]
async fn streamed_100_mb_body_is_cut_at_the_cap() {
    let server = Server::start(|h, _| match h.path.as_str() {
        "/huge" => Some(Reply::Huge {
            total: 100 * 1024 * 1024,
            declare_length: false,
        }),
        "/huge-declared" => Some(Reply::Huge {
            total: 100 * 1024 * 1024,
            declare_length: true,
        }),
        _ => None,
    })
    .await;
    let cfg = FetchConfig {
        max_body_bytes: 1024 * 1024,
        ..test_config()
    };
    let f = fetcher(&cfg);
    for path in ["/huge", "/huge-declared"] {
        let err = get(&f, &server.url(path)).await.unwrap_err();
        assert!(
            matches!(err, FetchError::BodyTooLarge { limit: 1048576, .. }),
            "{path}: {err:?}"
        );
        assert!(
            err.to_string().starts_with("body larger than 1 MiB"),
            "{err}"
        );
        assert!(!err.is_temporary());
    }
    // Not retried: a size problem does not go away.
    assert_eq!(server.hits_on("/huge").len(), 1);
}

#[tokio::test]
async fn gzip_bomb_is_cut_after_decompression() {
    use std::io::Write;
    // 100 MB of zeros compresses to about 100 KB: the cap must apply to what it
    // inflates to, not to what travels on the wire.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..100 {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 1024 * 1024);
    let server = Server::start(move |h, _| {
        (h.path == "/bomb")
            .then(|| Reply::ok("text/html", bomb.clone()).with_header("Content-Encoding", "gzip"))
    })
    .await;
    let cfg = FetchConfig {
        max_body_bytes: 2 * 1024 * 1024,
        ..test_config()
    };
    let err = get(&fetcher(&cfg), &server.url("/bomb")).await.unwrap_err();
    assert!(matches!(err, FetchError::BodyTooLarge { .. }), "{err:?}");
    let hit = &server.hits_on("/bomb")[0];
    assert!(
        hit.header("Accept-Encoding")
            .is_some_and(|v| v.contains("gzip"))
    );
}

#[tokio::test]
async fn charset_without_declaration_is_sniffed() {
    // windows-1252 bytes, no charset in header or page.
    let server = Server::start(|h, _| match h.path.as_str() {
        "/latin" => Some(Reply::ok("text/html", b"<html><body><p>Dr. Andr\xe9 dari Dinkes: kasus naik.</p></body></html>".to_vec())),
        "/wrong-header" => Some(Reply::ok(
            "text/html; charset=utf-8",
            b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head><body>Caf\xe9 Sehat ditutup</body></html>".to_vec(),
        )),
        _ => None,
    })
    .await;
    let f = fetcher(&test_config());
    let a = fetched(get(&f, &server.url("/latin")).await);
    assert!(
        a.body_text.contains("Dr. André dari Dinkes"),
        "{}",
        a.body_text
    );
    let b = fetched(get(&f, &server.url("/wrong-header")).await);
    assert!(
        b.body_text.contains("Café Sehat ditutup"),
        "{}",
        b.body_text
    );
    assert!(!b.body_text.contains('\u{fffd}'));
}

#[tokio::test]
async fn redirect_loop_is_detected() {
    let server = Server::start(|h, _| match h.path.as_str() {
        "/a" => Some(Reply::redirect(302, "/b")),
        "/b" => Some(Reply::redirect(301, "/a")),
        _ => None,
    })
    .await;
    let err = get(&fetcher(&test_config()), &server.url("/a"))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::RedirectLoop { .. }), "{err:?}");
    assert!(err.to_string().contains("/b -> "), "{err}");
    assert_eq!(server.hits_on("/a").len(), 1);
}

#[tokio::test]
async fn redirect_chain_longer_than_limit_fails() {
    let server = Server::start(|h, _| {
        let n: u32 = h.path.strip_prefix("/r/")?.parse().ok()?;
        Some(Reply::redirect(302, &format!("/r/{}", n + 1)))
    })
    .await;
    let cfg = FetchConfig {
        max_redirects: 3,
        ..test_config()
    };
    let err = get(&fetcher(&cfg), &server.url("/r/0")).await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooManyRedirects { limit: 3, .. }),
        "{err:?}"
    );
    let page_hits = server
        .hits()
        .iter()
        .filter(|h| h.path.starts_with("/r/"))
        .count();
    assert_eq!(page_hits, 4, "first request plus 3 redirects");
}

#[tokio::test]
async fn redirect_within_limit_is_followed() {
    let server = Server::start(|h, _| match h.path.as_str() {
        "/old" => Some(Reply::redirect(301, "/new?x=1")),
        "/new" | "/new?x=1" => Some(Reply::ok("text/plain", "baru")),
        _ => None,
    })
    .await;
    let resp = fetched(get(&fetcher(&test_config()), &server.url("/old")).await);
    assert_eq!(resp.final_url, server.url("/new?x=1"));
    assert_eq!(resp.body_text, "baru");
}

#[tokio::test]
async fn etag_and_last_modified_round_trip() {
    const LM: &str = "Tue, 24 Nov 2026 08:00:00 GMT";
    let server = Server::start(|h, _| {
        if h.path != "/feed.xml" {
            return None;
        }
        if h.header("If-None-Match") == Some("\"v1\"") && h.header("If-Modified-Since") == Some(LM)
        {
            return Some(Reply::status(304).with_header("ETag", "\"v1\""));
        }
        Some(
            Reply::ok("application/rss+xml", "<rss/>")
                .with_header("ETag", "\"v1\"")
                .with_header("Last-Modified", LM),
        )
    })
    .await;
    let f = fetcher(&test_config());
    let first = fetched(get(&f, &server.url("/feed.xml")).await);
    assert_eq!(first.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(first.validators.last_modified.as_deref(), Some(LM));
    // What the store would persist and read back.
    let stored = serde_json::to_string(&first.validators).unwrap();
    let validators: Validators = serde_json::from_str(&stored).unwrap();
    match f.fetch(&server.url("/feed.xml"), &validators).await {
        Ok(FetchOutcome::NotModified {
            validators: v,
            final_url,
        }) => {
            assert_eq!(v, validators);
            assert_eq!(final_url, server.url("/feed.xml"));
        }
        other => panic!("expected NotModified, got {other:?}"),
    }
    let hits = server.hits_on("/feed.xml");
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].header("If-None-Match"), None);
}

#[tokio::test]
async fn robots_disallow_means_no_page_request() {
    let server = Server::start(|h, _| match h.path.as_str() {
        "/robots.txt" => Some(Reply::ok(
            "text/plain",
            "User-agent: *\nDisallow: /\n\nUser-agent: Waspada\nDisallow: /internal/\nAllow: /\n",
        )),
        "/berita/1" => Some(Reply::ok("text/html", "<p>boleh</p>")),
        _ => Some(Reply::ok("text/html", "<p>rahasia</p>")),
    })
    .await;
    let f = fetcher(&test_config());
    let err = get(&f, &server.url("/internal/laporan")).await.unwrap_err();
    assert!(
        matches!(err, FetchError::DisallowedByRobots { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("robots.txt of 127.0.0.1 does not allow"),
        "{err}"
    );
    assert!(
        server.hits_on("/internal/laporan").is_empty(),
        "page was requested"
    );
    fetched(get(&f, &server.url("/berita/1")).await);
    assert_eq!(
        server.hits_on("/robots.txt").len(),
        1,
        "robots.txt is cached per site"
    );
}

#[tokio::test]
async fn robots_server_error_closes_site_for_now() {
    let server = Server::start(|h, _| match h.path.as_str() {
        "/robots.txt" => Some(Reply::status(503)),
        _ => Some(Reply::ok("text/html", "x")),
    })
    .await;
    let f = fetcher(&test_config());
    let err = get(&f, &server.url("/page")).await.unwrap_err();
    assert!(
        matches!(err, FetchError::RobotsUnavailable { .. }),
        "{err:?}"
    );
    assert!(err.is_temporary());
    assert!(server.hits_on("/page").is_empty());
    // Cached: a second fetch does not hammer the failing server.
    let _ = get(&f, &server.url("/page2")).await.unwrap_err();
    assert_eq!(server.hits_on("/robots.txt").len(), 1);
}

fn assert_spaced(hits: &[common::Hit], delay: Duration) {
    let slack = Duration::from_millis(20);
    for pair in hits.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(
            gap + slack >= delay,
            "requests {} and {} only {gap:?} apart",
            pair[0].path,
            pair[1].path
        );
    }
}

#[tokio::test]
async fn per_host_delay_is_respected() {
    let server =
        Server::start(|h, _| (h.path != "/robots.txt").then(|| Reply::ok("text/plain", "ok")))
            .await;
    let cfg = FetchConfig {
        min_host_delay_secs: 0.3,
        ..test_config()
    };
    let f = fetcher(&cfg);
    // Concurrent fetches to one host must still be spaced out.
    let urls: Vec<String> = (0..4).map(|i| server.url(&format!("/p{i}"))).collect();
    let results = futures_join(&f, &urls).await;
    assert!(results.iter().all(Result::is_ok));
    let hits = server.hits();
    assert_eq!(hits.len(), 5, "robots.txt + 4 pages");
    assert_spaced(&hits, Duration::from_millis(300));
}

async fn futures_join(f: &Fetcher, urls: &[String]) -> Vec<Result<FetchOutcome, FetchError>> {
    let mut set = tokio::task::JoinSet::new();
    for u in urls {
        let (f, u) = (f.clone(), u.clone());
        set.spawn(async move { f.fetch(&u, &Validators::default()).await });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r.expect("task"));
    }
    out
}

#[tokio::test]
async fn crawl_delay_raises_host_delay() {
    let server = Server::start(|h, _| match h.path.as_str() {
        "/robots.txt" => Some(Reply::ok("text/plain", "User-agent: *\nCrawl-delay: 1\n")),
        _ => Some(Reply::ok("text/plain", "ok")),
    })
    .await;
    let f = fetcher(&test_config());
    for p in ["/a", "/b"] {
        fetched(get(&f, &server.url(p)).await);
    }
    let pages: Vec<_> = server
        .hits()
        .into_iter()
        .filter(|h| h.path != "/robots.txt")
        .collect();
    assert_eq!(pages.len(), 2);
    assert_spaced(&pages, Duration::from_secs(1));
}

#[tokio::test]
async fn metadata_address_is_refused() {
    let f = fetcher(&test_config());
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1]:8080/",
    ] {
        let err = get(&f, url).await.unwrap_err();
        assert!(
            matches!(
                err,
                FetchError::RefusedAddress {
                    class: AddressClass::LinkLocalOrMetadata,
                    ..
                }
            ),
            "{url}: {err:?}"
        );
    }
    let err = get(&f, "http://169.254.169.254/").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "refused: 169.254.169.254 is a link-local / cloud metadata address"
    );
}

#[tokio::test]
async fn redirect_to_metadata_address_is_refused() {
    let server = Server::start(|h, _| {
        (h.path == "/go")
            .then(|| Reply::redirect(302, "http://169.254.169.254/latest/meta-data/iam"))
    })
    .await;
    let err = get(&fetcher(&test_config()), &server.url("/go"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::RefusedAddress {
                class: AddressClass::LinkLocalOrMetadata,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.hits_on("/go").len(), 1);
}

#[tokio::test]
async fn loopback_refused_unless_allowed() {
    let server = Server::start(|_, _| Some(Reply::ok("text/plain", "ok"))).await;
    let cfg = FetchConfig {
        allow_private_addresses: false,
        ..test_config()
    };
    let f = fetcher(&cfg);
    let literal = get(&f, &server.url("/x")).await.unwrap_err();
    assert!(
        matches!(
            literal,
            FetchError::RefusedAddress {
                class: AddressClass::Private,
                ..
            }
        ),
        "{literal:?}"
    );
    // A host name is checked on the address it resolves to.
    let by_name = get(&f, &format!("http://localhost:{}/x", server.addr.port()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            by_name,
            FetchError::RefusedAddress {
                class: AddressClass::Private,
                ..
            }
        ),
        "{by_name:?}"
    );
    assert!(
        by_name.to_string().contains("loopback or private"),
        "{by_name}"
    );
    assert!(server.hits().is_empty(), "a refused address was contacted");
}

#[tokio::test]
async fn non_http_scheme_is_refused() {
    let err = get(&fetcher(&test_config()), "file:///etc/passwd")
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::InvalidUrl { .. }), "{err:?}");
}

#[tokio::test]
async fn feed_over_http_parses_with_absolute_links() {
    let rss = include_str!("fixtures/rss2.xml");
    let server = Server::start(move |h, _| {
        (h.path == "/rss").then(|| Reply::ok("application/rss+xml", rss))
    })
    .await;
    let resp = fetched(get(&fetcher(&test_config()), &server.url("/rss")).await);
    let items = waspada_fetch::parse_feed(&resp.body_bytes, Some(&resp.final_url)).unwrap();
    assert_eq!(items.len(), 3);
    let rel = items
        .iter()
        .find(|i| {
            i.title
                .as_deref()
                .is_some_and(|t| t.contains("Leptospirosis"))
        })
        .unwrap();
    assert_eq!(
        rel.link.as_deref(),
        Some(server.url("/berita/2026/11/leptospirosis-demak").as_str())
    );
}

#[test]
fn bad_config_is_rejected_with_reason() {
    let cfg = FetchConfig {
        read_timeout_secs: -1.0,
        ..FetchConfig::default()
    };
    let err = Fetcher::new(&cfg)
        .err()
        .expect("negative timeout must be rejected");
    assert!(err.to_string().contains("read_timeout_secs"), "{err}");
    let cfg: FetchConfig = serde_json::from_str(r#"{"max_body_bytes": 1024}"#).unwrap();
    assert_eq!(cfg.max_redirects, 5);
    assert!(cfg.user_agent.starts_with("Waspada/"));
    assert!(!cfg.allow_private_addresses && !cfg.allow_link_local);
}
