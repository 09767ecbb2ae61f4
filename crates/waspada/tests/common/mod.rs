//! Helpers shared by the tests that run `waspada` processes next to servers.

#![allow(dead_code)] // Each test file uses its own part.

pub mod postgres;

use std::net::TcpListener;
use std::process::Child;

/// A child process killed (and reaped) when dropped, also when the test fails.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port free at the moment of asking.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
