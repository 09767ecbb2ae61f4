//! A loopback RSS feed for the fetch tests of `waspada-cluster` and of the `waspada`
//! binary (which includes this file by path).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Serves one RSS feed to every request, forever.
pub fn serve_feed(body: String) -> u16 {
    serve_with(move |_| ("200 OK", body.clone()))
}

/// Answers every request, forever, with what `respond` makes of its request line
/// (`GET /feed.xml HTTP/1.1`): a status line's end (`200 OK`) and an RSS body.
pub fn serve_with(respond: impl Fn(&str) -> (&'static str, String) + Send + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                line.clear();
            }
            let (status, body) = respond(&request);
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    port
}

pub fn item(n: u32, text: &str) -> String {
    format!(
        "<item><title>Kabar {n}</title><link>http://kabar.example/berita/{n}?utm_source=rss</link>\
         <guid>k{n}</guid><pubDate>Mon, 10 Mar 2025 08:00:00 +0700</pubDate>\
         <description>{text}</description></item>"
    )
}
