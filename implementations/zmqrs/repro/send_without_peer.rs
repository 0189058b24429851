//! D2 (RR-8, PP-7): a send on a bound PUSH (or REQ) that no peer has connected to yet.
//! RFC 30: "SHALL block on sending, or return a suitable error, when it has no available peers";
//! libzmq blocks (EAGAIN with a timeout) and delivers the message once a peer connects. zmq.rs
//! 0.7.0 fails at once with "Not connected to peers" and keeps nothing: a peer that connects later
//! gets nothing.
use std::time::Duration;
use zeromq::prelude::*;

#[path = "common.rs"]
mod common;

#[tokio::main]
async fn main() {
    let mut push = zeromq::PushSocket::new();
    let endpoint = push.bind("tcp://127.0.0.1:0").await.unwrap().to_string();
    let sent = tokio::time::timeout(Duration::from_secs(1), push.send("early task".into())).await;
    let refused = match &sent {
        Ok(Ok(())) => { println!("send: Ok (queued)"); false }
        Ok(Err(e)) => { println!("send: Err({e}) at once"); true }
        Err(_) => { println!("send: blocked for 1 s (libzmq's behaviour)"); false }
    };
    let mut pull = zeromq::PullSocket::new();
    pull.connect(&endpoint).await.unwrap();
    let got = tokio::time::timeout(Duration::from_millis(500), pull.recv()).await;
    println!("a PULL that connects afterwards receives: {}", if got.is_ok() { "the message" } else { "nothing" });
    common::verdict(refused, "zmq.rs refuses a send when no peer is connected; the message is not kept")
}
