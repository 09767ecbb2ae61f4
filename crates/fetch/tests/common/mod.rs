//! A tiny raw-HTTP/1.1 test server on 127.0.0.1 (port 0) that records every request
//! and can misbehave on purpose: trickle bytes, stay silent, stream 100 MB.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub at: Instant,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What to send back.
pub enum Reply {
    /// A normal response with Content-Length.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Headers promising a big body, then one byte every `every`, forever.
    Trickle { every: Duration },
    /// Read the request, then say nothing and keep the socket open.
    Silent,
    /// Stream `total` bytes in 64 KiB chunks; with `declare_length` a Content-Length
    /// header is sent, otherwise the body runs until the connection closes.
    Huge { total: u64, declare_length: bool },
}

impl Reply {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }
    pub fn status(status: u16) -> Reply {
        Reply::Full {
            status,
            headers: vec![],
            body: format!("status {status}").into_bytes(),
        }
    }
    pub fn with_header(mut self, k: &str, v: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((k.into(), v.into()));
        }
        self
    }
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).with_header("Location", location)
    }
}

type Handler = dyn Fn(&Hit, usize) -> Option<Reply> + Send + Sync;

pub struct Server {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Vec<Hit>>>,
}

impl Server {
    /// Starts a server. The handler gets the request and how many earlier requests
    /// had the same path; `None` answers 404 (so robots.txt is "missing" by default).
    pub async fn start(
        handler: impl Fn(&Hit, usize) -> Option<Reply> + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log2 = log.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(serve(sock, handler.clone(), log2.clone()));
            }
        });
        Server { addr, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.log.lock().unwrap().clone()
    }

    pub fn hits_on(&self, path: &str) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.path == path).collect()
    }
}

async fn serve(mut sock: TcpStream, handler: Arc<Handler>, log: Arc<Mutex<Vec<Hit>>>) {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut tmp).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&tmp[..n]),
        }
        if buf.len() > 64 * 1024 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = text.split("\r\n");
    let path = lines
        .next()
        .unwrap_or("")
        .split(' ')
        .nth(1)
        .unwrap_or("")
        .to_owned();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let hit = Hit {
        path: path.clone(),
        headers,
        at: Instant::now(),
    };
    let seen = {
        let mut log = log.lock().unwrap();
        let seen = log.iter().filter(|h| h.path == path).count();
        log.push(hit.clone());
        seen
    };
    let reply = handler(&hit, seen).unwrap_or_else(|| Reply::status(404));
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(&body).await;
            let _ = sock.shutdown().await;
        }
        Reply::Trickle { every } => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000\r\n\r\n";
            if sock.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            loop {
                tokio::time::sleep(every).await;
                if sock.write_all(b"a").await.is_err() {
                    return;
                }
            }
        }
        Reply::Silent => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        Reply::Huge {
            total,
            declare_length,
        } => {
            let mut head =
                String::from("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n");
            if declare_length {
                head.push_str(&format!("Content-Length: {total}\r\n"));
            }
            head.push_str("\r\n");
            if sock.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            // One 64 KiB buffer reused: the server never holds the whole body either.
            let chunk = vec![b'a'; 64 * 1024];
            let mut sent = 0u64;
            while sent < total {
                let n = (total - sent).min(chunk.len() as u64) as usize;
                if sock.write_all(&chunk[..n]).await.is_err() {
                    return;
                }
                sent += n as u64;
            }
            let _ = sock.shutdown().await;
        }
    }
}

/// A config for tests: loopback allowed, short timeouts, no host delay, fast back-off.
pub fn test_config() -> waspada_fetch::FetchConfig {
    waspada_fetch::FetchConfig {
        allow_private_addresses: true,
        connect_timeout_secs: 2.0,
        read_timeout_secs: 2.0,
        total_timeout_secs: 5.0,
        min_host_delay_secs: 0.0,
        max_retries: 2,
        backoff_base_secs: 0.05,
        backoff_max_secs: 0.2,
        max_retry_after_secs: 5.0,
        ..Default::default()
    }
}
