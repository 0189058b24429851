//! REQ-REP roles: rep-server (RR-1), req-client (RR-2, RR-4), gateway (RR-7).

use zeromq::prelude::*;
use zeromq::{RepSocket, ReqSocket, ZmqMessage};

use crate::kit::{self, Failure, Outcome};

const REP_SERVER: &str = "rep-server: the seed's echo server (catalogue RR-1). It prints STARTING SERVER, binds, \
prints READY, then answers each request m with '{name},{m}'; a multipart request gets the name put in front of \
its first frame and the other frames back unchanged.";

pub fn rep_server(args: &[String]) -> Outcome {
    const ROLE: &str = "rep-server";
    let cli = kit::Cli::new(ROLE, REP_SERVER)
        .value("name", "NAME", "the name put in front of every reply (default: server)")
        .endpoints("", "REP")
        .parse(args)?;
    let name = cli.text("name", "server");
    crate::runtime().block_on(async {
        kit::quit_on_stdin_eof();
        kit::say("STARTING SERVER");
        let mut sock = RepSocket::new();
        let bound = kit::attach(&mut sock, "", &cli.all("bind"), &cli.all("connect"), Some(kit::DEFAULT_BIND)).await?;
        kit::say("READY");
        kit::ready(&[("rep", &bound)]);
        let prefix = format!("{name},");
        loop {
            let request = match sock.recv().await {
                Ok(request) => request,
                Err(e) => {
                    // zmq.rs hands the application a peer's failure (a broken connection, a request
                    // without an envelope) as an error of recv; the server goes on with the others.
                    kit::warn(ROLE, &format!("a receive failed, going on: {e} ({})", kit::errno_of(&e)));
                    continue;
                }
            };
            let frames = request.into_vec();
            let message = kit::decode(&frames[0]);
            kit::say(&format!("RECEIVED: {message}"));
            kit::say(&format!("SENDING:  {name},{message}"));
            let mut first = prefix.as_bytes().to_vec();
            first.extend_from_slice(&frames[0]);
            let mut reply = vec![bytes::Bytes::from(first)];
            reply.extend(frames.into_iter().skip(1));
            if let Err(e) = sock.send(ZmqMessage::try_from(reply).expect("one frame at least")).await {
                kit::warn(ROLE, &format!("the reply could not be sent, going on: {e} ({})", kit::errno_of(&e)));
            }
        }
    })
}

const REQ_CLIENT: &str = "req-client: the seed's alternating client (catalogue RR-2, RR-4). One REQ socket \
connected to every server. For each line read after the prompt '>> ' it prints 'SENDING: {line}', sends it, waits \
for the reply and prints 'RECEIVED: {message} FROM {name}' (the reply split at its first comma). After the reply to \
'bye' it exits 0; end of input also ends it with status 0. A reply without a comma is printed whole with an empty \
name, and of a reply of several frames the first is printed, each with one line on stderr.";

pub fn req_client(args: &[String]) -> Outcome {
    const ROLE: &str = "req-client";
    let cli = kit::Cli::new(ROLE, REQ_CLIENT).endpoints("", "REQ").parse(args)?;
    crate::runtime().block_on(async {
        let mut lines = kit::stdin_lines();
        let mut sock = ReqSocket::new();
        let bound = kit::attach(&mut sock, "", &cli.all("bind"), &cli.all("connect"), None).await?;
        kit::ready(&[("req", &bound)]);
        loop {
            kit::say_bare(">> ");
            let Some(raw) = lines.recv().await else { return Ok(()) };
            let line = kit::decode(&raw);
            kit::say(&format!("SENDING: {line}"));
            // zmq.rs's REQ refuses a send when no peer is connected ("Not connected to peers")
            // instead of keeping the request: the client cannot go on (DEVIATIONS.md, RR-8).
            sock.send(ZmqMessage::from(raw))
                .await
                .map_err(|e| Failure::fatal(format!("cannot send the request: {e} ({})", kit::errno_of(&e))))?;
            let reply = sock
                .recv()
                .await
                .map_err(|e| Failure::fatal(format!("no reply: {e} ({})", kit::errno_of(&e))))?;
            let frames = reply.into_vec();
            if frames.len() > 1 {
                kit::warn(ROLE, &format!("reply has {} frames; printing the first only", frames.len()));
            }
            let text = kit::decode(&frames[0]);
            let (name, message) = match text.split_once(',') {
                Some((name, message)) => (name.to_string(), message.to_string()),
                None => {
                    kit::warn(ROLE, &format!("reply has no 'name,' in front: {}", kit::shown(&frames[0])));
                    (String::new(), text.clone())
                }
            };
            kit::say(&format!("RECEIVED: {message} FROM {name}"));
            if line == "bye" {
                return Ok(());
            }
        }
    })
}

const GATEWAY: &str = "gateway: a REP socket facing out, a REQ socket facing in (catalogue RR-7). Each request \
that arrives on the frontend is forwarded, frames unchanged, on the backend; the reply that comes back is relayed \
to the frontend.";

pub fn gateway(args: &[String]) -> Outcome {
    const ROLE: &str = "gateway";
    let cli = kit::Cli::new(ROLE, GATEWAY)
        .endpoints("frontend-", "frontend REP")
        .endpoints("backend-", "backend REQ")
        .parse(args)?;
    crate::runtime().block_on(async {
        kit::quit_on_stdin_eof();
        let mut frontend = RepSocket::new();
        let mut backend = ReqSocket::new();
        let front = kit::attach(
            &mut frontend,
            "frontend-",
            &cli.all("frontend-bind"),
            &cli.all("frontend-connect"),
            Some(kit::DEFAULT_BIND),
        )
        .await?;
        let back =
            kit::attach(&mut backend, "backend-", &cli.all("backend-bind"), &cli.all("backend-connect"), None).await?;
        kit::ready(&[("frontend", &front), ("backend", &back)]);
        loop {
            let request = match frontend.recv().await {
                Ok(request) => request,
                Err(e) => {
                    kit::warn(ROLE, &format!("a receive failed, going on: {e} ({})", kit::errno_of(&e)));
                    continue;
                }
            };
            backend
                .send(request)
                .await
                .map_err(|e| Failure::fatal(format!("cannot forward a request: {e} ({})", kit::errno_of(&e))))?;
            let reply = backend
                .recv()
                .await
                .map_err(|e| Failure::fatal(format!("no reply from the backend: {e} ({})", kit::errno_of(&e))))?;
            if let Err(e) = frontend.send(reply).await {
                kit::warn(ROLE, &format!("the reply could not be relayed, going on: {e} ({})", kit::errno_of(&e)));
            }
        }
    })
}
