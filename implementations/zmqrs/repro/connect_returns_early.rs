//! D2, the race (PP-7, TR-1, RR-8; through it PP-2, PP-4, RR-1, RR-5, MI-6): `connect` returns on
//! the connecting side once it has the peer's READY, but the bound side registers that peer only
//! after its own accept task has read the connecting side's READY. A bound zmq.rs PUSH or REQ that
//! sends right after its peer's `connect` returned may find no peer and fail ("Not connected to
//! peers") instead of blocking until the peer is attached, as libzmq does. The suite meets it as
//! the ventilator (a bound PUSH) dealing to a worker whose ready line has come, and as a bound REQ
//! (the driver) sending to a rep-server whose ready line has come. This program tries each 300
//! times (`connect_returns_early [TRIES]`) and counts the refusals.
use zeromq::prelude::*;

#[path = "common.rs"]
mod common;

/// A bound PUSH sends once a connecting PULL's `connect` has returned; refused sends of `tries`.
async fn push_tries(tries: u32) -> u32 {
    let mut refused = 0;
    for _ in 0..tries {
        let mut push = zeromq::PushSocket::new();
        let endpoint = push.bind("tcp://127.0.0.1:0").await.unwrap().to_string();
        let mut pull = zeromq::PullSocket::new();
        pull.connect(&endpoint).await.unwrap();
        if let Err(e) = push.send("task".into()).await {
            refused += 1;
            if refused == 1 {
                println!("PUSH, first refusal: {e}");
            }
        } else {
            let _ = pull.recv().await;
        }
    }
    refused
}

/// A bound REQ sends once a connecting REP's `connect` has returned; refused sends of `tries`.
async fn req_tries(tries: u32) -> u32 {
    let mut refused = 0;
    for _ in 0..tries {
        let mut req = zeromq::ReqSocket::new();
        let endpoint = req.bind("tcp://127.0.0.1:0").await.unwrap().to_string();
        let mut rep = zeromq::RepSocket::new();
        rep.connect(&endpoint).await.unwrap();
        if let Err(e) = req.send("request".into()).await {
            refused += 1;
            if refused == 1 {
                println!("REQ, first refusal: {e}");
            }
        } else {
            let _ = rep.recv().await;
            let _ = rep.send("reply".into()).await;
            let _ = req.recv().await;
        }
    }
    refused
}

#[tokio::main]
async fn main() {
    let tries: u32 = std::env::args().nth(1).map_or(300, |n| n.parse().expect("TRIES: a number"));
    let push = push_tries(tries).await;
    println!("PUSH: {push} of {tries} sends right after the peer's connect returned were refused");
    let req = req_tries(tries).await;
    println!("REQ: {req} of {tries} sends right after the peer's connect returned were refused");
    common::verdict(push + req > 0, "a bound PUSH or REQ may not know a peer whose connect has already returned")
}
