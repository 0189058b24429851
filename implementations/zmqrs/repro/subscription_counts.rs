//! D7 (PS-7): who counts duplicate subscriptions. libzmq counts on the subscriber side: a SUB (or
//! XSUB) subscribed twice to "A" sends "\x01A" twice but "\x00A" only for its last unsubscribe,
//! and a libzmq PUB/XPUB takes one "\x00A" as the end of "A" for that peer. zmq.rs 0.7.0 does the
//! opposite: its SUB sends "\x00A" on every unsubscribe (it keeps a set), and its PUB keeps one
//! entry per "\x01A". Against libzmq peers a SUB loses "A" after one of two unsubscribes, and a PUB
//! keeps sending "A" after a libzmq XSUB's last unsubscribe.
use std::time::Duration;
use zeromq::prelude::*;

#[path = "common.rs"]
mod common;

#[tokio::main]
async fn main() {
    // 1. What a zmq.rs SUB puts on the wire (seen by a zmq.rs XPUB, which hands subscriptions up).
    let mut xpub = zeromq::XPubSocket::new();
    let endpoint = xpub.bind("tcp://127.0.0.1:0").await.unwrap().to_string();
    let mut sub = zeromq::SubSocket::new();
    sub.connect(&endpoint).await.unwrap();
    sub.subscribe("A").await.unwrap();
    sub.subscribe("A").await.unwrap();
    sub.unsubscribe("A").await.unwrap();
    let mut wire = Vec::new();
    while let Ok(Ok(m)) = tokio::time::timeout(Duration::from_millis(300), xpub.recv()).await {
        wire.push(m.into_vec()[0].to_vec());
    }
    println!("SUB: subscribe A, subscribe A, unsubscribe A -> on the wire {wire:?}");
    let sub_sends_unsubscribe = wire.iter().any(|f| f == b"\x00A");

    // 2. A zmq.rs PUB fed what a libzmq XSUB sends for subscribe A x2, unsubscribe A x2: "\x01A"
    //    twice and "\x00A" once (the last unsubscribe only).
    let mut publisher = zeromq::PubSocket::new();
    let endpoint = publisher.bind("tcp://127.0.0.1:0").await.unwrap().to_string();
    let mut xsub = zeromq::XSubSocket::new();
    xsub.connect(&endpoint).await.unwrap();
    for frame in [&b"\x01A"[..], b"\x01A", b"\x00A", b"\x01sync"] {
        xsub.send(frame.to_vec().into()).await.unwrap();
    }
    let mut got = Vec::new();
    for _ in 0..50 {
        publisher.send("A still".into()).await.unwrap();
        publisher.send("sync".into()).await.unwrap();
        if let Ok(Ok(m)) = tokio::time::timeout(Duration::from_millis(100), xsub.recv()).await {
            got.push(String::from_utf8_lossy(&m.into_vec()[0]).to_string());
            if got.last().map(String::as_str) == Some("sync") { break; }
        }
    }
    println!("PUB after \\x01A \\x01A \\x00A: delivers {got:?}");
    let pub_keeps = got.iter().any(|m| m == "A still");
    common::verdict(sub_sends_unsubscribe || pub_keeps,
        "zmq.rs counts subscriptions at the PUB, not at the SUB (libzmq counts at the SUB)")
}
