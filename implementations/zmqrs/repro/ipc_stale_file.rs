//! D5, over ipc (TR-4): a server killed while bound to ipc://PATH leaves the socket file behind.
//! libzmq removes a stale file before it binds, so the restarted server binds the same endpoint;
//! zmq.rs 0.7.0 calls bind on the path as it is and fails with EADDRINUSE.
use zeromq::prelude::*;

#[path = "common.rs"]
mod common;

#[tokio::main]
async fn main() {
    let path = std::env::temp_dir().join(format!("zmqrs-stale-{}", std::process::id()));
    // What a process killed while bound leaves: the socket file, nobody listening on it.
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let mut rep = zeromq::RepSocket::new();
    let bound = rep.bind(&format!("ipc://{}", path.display())).await;
    println!("bind ipc://{} over a stale socket file: {:?}", path.display(), bound.as_ref().map(|e| e.to_string()).map_err(|e| e.to_string()));
    let _ = std::fs::remove_file(&path);
    common::verdict(bound.is_err(), "zmq.rs cannot bind an ipc path whose previous owner died")
}
