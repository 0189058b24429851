//! D4 (RR-3): a REP that has received a request must send the reply before it receives again.
//! RFC 28 ("SHALL receive and then send exactly one message at a time"); libzmq fails the second
//! zmq_recv with EFSM. zmq.rs 0.7.0 lets the second receive through: it delivers the next
//! request and forgets the first requester, whose reply never comes.
use std::time::Duration;
use zeromq::prelude::*;

#[path = "common.rs"]
mod common;

#[tokio::main]
async fn main() {
    let mut rep = zeromq::RepSocket::new();
    let endpoint = rep.bind("tcp://127.0.0.1:0").await.unwrap().to_string();
    let (mut first, mut second) = (zeromq::ReqSocket::new(), zeromq::ReqSocket::new());
    first.connect(&endpoint).await.unwrap();
    second.connect(&endpoint).await.unwrap();
    first.send("from first".into()).await.unwrap();
    second.send("from second".into()).await.unwrap();
    let one = rep.recv().await.unwrap();
    println!("REP receives: {:?}", String::from_utf8_lossy(&one.into_vec()[0]));
    let again = tokio::time::timeout(Duration::from_secs(1), rep.recv()).await;
    let let_through = match again {
        Ok(Ok(m)) => { println!("second receive before replying: Ok({:?})", String::from_utf8_lossy(&m.into_vec()[0])); true }
        Ok(Err(e)) => { println!("second receive before replying: Err({e})"); false }
        Err(_) => { println!("second receive before replying: waited 1 s (not refused either)"); true }
    };
    rep.send("the reply".into()).await.unwrap();
    let firsts = tokio::time::timeout(Duration::from_millis(500), first.recv()).await;
    println!("the first requester's reply: {}", if matches!(firsts, Ok(Ok(_))) { "arrived" } else { "never came" });
    common::verdict(let_through, "a REP's second receive before its reply is not refused (libzmq: EFSM)")
}
