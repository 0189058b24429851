//! D5 (TR-4): a REQ whose server dies and comes back on the same endpoint. ZMTP (RFC 23):
//! connections are made "opportunistically ... if the connection is broken, SHOULD reconnect";
//! libzmq's REQ reconnects by itself. zmq.rs 0.7.0 reconnects only SUB and XSUB sockets: the REQ's
//! next request goes to the dead connection and its receive fails.
use std::time::Duration;
use zeromq::prelude::*;

#[path = "common.rs"]
mod common;

async fn serve_once(mut rep: zeromq::RepSocket, name: &'static str) {
    if let Ok(request) = rep.recv().await {
        let mut reply = name.as_bytes().to_vec();
        reply.extend_from_slice(&request.into_vec()[0]);
        let _ = rep.send(reply.into()).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
}

#[tokio::main]
async fn main() {
    let mut first = zeromq::RepSocket::new();
    let endpoint = first.bind("tcp://127.0.0.1:0").await.unwrap().to_string();
    let mut req = zeromq::ReqSocket::new();
    req.connect(&endpoint).await.unwrap();
    let server = tokio::spawn(serve_once(first, "first:"));
    req.send("one".into()).await.unwrap();
    println!("reply 1: {:?}", req.recv().await.map(|m| String::from_utf8_lossy(&m.into_vec()[0]).to_string()));
    server.await.unwrap(); // the first server is gone: its socket is dropped, its connections closed
    let mut second = zeromq::RepSocket::new();
    second.bind(&endpoint).await.unwrap();
    tokio::spawn(serve_once(second, "second:"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sent = req.send("two".into()).await;
    let reply = tokio::time::timeout(Duration::from_secs(3), req.recv()).await;
    println!("after the restart: send {:?}, receive {}", sent.map_err(|e| e.to_string()), match &reply {
        Ok(Ok(m)) => format!("Ok({:?})", String::from_utf8_lossy(&m.clone().into_vec()[0])),
        Ok(Err(e)) => format!("Err({e})"),
        Err(_) => "nothing within 3 s".into(),
    });
    common::verdict(!matches!(reply, Ok(Ok(_))), "the REQ does not reconnect to the restarted server")
}
