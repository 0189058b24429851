//! D1 (RR-8, RR-9, PP-7, PP-12, PS-2): a connect to an endpoint nobody has bound yet.
//! libzmq: zmq_connect returns at once; messages sent meanwhile are queued for the peer and
//! delivered when it binds. zmq.rs 0.7.0: `connect` returns only once the peer's ZMTP handshake
//! is done (it retries with a back-off, and gives up after its 30 s connect timeout).
use std::time::Duration;
use zeromq::prelude::*;

#[path = "common.rs"]
mod common;

#[tokio::main]
async fn main() {
    let vacant = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("tcp://{}", vacant.local_addr().unwrap());
    drop(vacant); // a free port nobody listens on
    let mut req = zeromq::ReqSocket::new();
    let connect = tokio::time::timeout(Duration::from_secs(2), req.connect(&endpoint)).await;
    println!("connect to {endpoint} (nobody there): {}", match &connect {
        Ok(Ok(())) => "returned Ok".to_string(),
        Ok(Err(e)) => format!("returned Err({e})"),
        Err(_) => "still waiting after 2 s".to_string(),
    });
    common::verdict(connect.is_err(), "zmq.rs's connect does not return until a peer is there")
}
