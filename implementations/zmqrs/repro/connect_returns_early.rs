//! D2, the race (PP-7, TR-1, RR-8): `connect` returns on the connecting side once it has the
//! peer's READY, but the bound side registers that peer only after its own accept task has read
//! the connecting side's READY. A bound zmq.rs PUSH that sends right after its peer's `connect`
//! returned may find no peer and fail ("Not connected to peers") instead of blocking until the
//! peer is attached, as libzmq does. This program tries it 300 times and counts the refusals.
use zeromq::prelude::*;

#[path = "common.rs"]
mod common;

#[tokio::main]
async fn main() {
    let mut refused = 0;
    let tries = 300;
    for _ in 0..tries {
        let mut push = zeromq::PushSocket::new();
        let endpoint = push.bind("tcp://127.0.0.1:0").await.unwrap().to_string();
        let mut pull = zeromq::PullSocket::new();
        pull.connect(&endpoint).await.unwrap();
        if let Err(e) = push.send("task".into()).await {
            refused += 1;
            if refused == 1 {
                println!("first refusal: {e}");
            }
        } else {
            let _ = pull.recv().await;
        }
    }
    println!("{refused} of {tries} sends right after the peer's connect returned were refused");
    common::verdict(refused > 0, "a bound PUSH may not know a peer whose connect has already returned")
}
