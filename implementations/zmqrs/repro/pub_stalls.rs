//! D12 (PS-1, PS-2, PS-9): a PUB that publishes as fast as it can stops delivering to a subscriber
//! that keeps reading. RFC 29: a PUB drops messages for a subscriber whose queue is full and goes
//! on; the stream a reading subscriber sees has gaps at worst, it never stops. zmq.rs 0.7.0: after
//! a while (from none to some ten thousand updates) the subscriber gets nothing more, although the
//! publisher keeps publishing. This program publishes small updates in a tight loop on one task and
//! reads them with a zmq.rs SUB on another, and reports whether 5 s went by with nothing received.
use std::time::Duration;
use zeromq::prelude::*;

#[path = "common.rs"]
mod common;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut publisher = zeromq::PubSocket::new();
    let endpoint = publisher.bind("tcp://127.0.0.1:0").await.unwrap().to_string();
    if let Some(seconds) = std::env::args().nth(1).and_then(|a| a.parse::<u64>().ok()) {
        // Publisher only, for a subscriber of another stack: print the endpoint, publish for a while.
        println!("{endpoint}");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
        let mut seq: u64 = 0;
        while tokio::time::Instant::now() < deadline {
            let _ = publisher.send(format!("10001  42 17 {seq:06}").into()).await;
            seq += 1;
            if seq % 256 == 0 {
                tokio::task::yield_now().await;
            }
        }
        std::process::exit(0);
    }
    let mut sub = zeromq::SubSocket::new();
    sub.subscribe("").await.unwrap();
    sub.connect(&endpoint).await.unwrap();
    tokio::spawn(async move {
        let mut seq: u64 = 0;
        loop {
            let _ = publisher.send(format!("10001  42 17 {seq:06}").into()).await;
            seq += 1;
            if seq % 256 == 0 {
                tokio::task::yield_now().await;
            }
        }
    });
    let mut received: u64 = 0;
    let target = 200_000;
    while received < target {
        match tokio::time::timeout(Duration::from_secs(5), sub.recv()).await {
            Ok(Ok(_)) => received += 1,
            Ok(Err(e)) => { println!("receive failed: {e}"); break; }
            Err(_) => { println!("nothing for 5 s after {received} updates, the publisher still publishing"); break; }
        }
    }
    println!("received {received} of the first {target} updates' worth");
    common::verdict(received < target, "a PUB publishing at full speed keeps delivering to a zmq.rs SUB that reads (it stops for a libzmq SUB: run with a duration and repro/pub_stalls_libzmq_sub.py)")
}
