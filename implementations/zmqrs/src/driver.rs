//! driver: zmq.rs sockets scripted over JSON lines (docs/contract.md, section 5).
//!
//! One request per line on standard input, one reply per line on standard output, in order.
//! Each socket is a zmq.rs socket, used through its async API on the tokio runtime: a call that
//! may block is bounded by the request's `timeout_ms` (`tokio::time::timeout`; 0 polls once),
//! and running out is `EAGAIN`.
//!
//! What zmq.rs 0.7.0 lacks is refused, never emulated:
//! - socket types PAIR (and STREAM): `EINVAL`, as libzmq's zmq_socket for a type it lacks;
//! - every integer option (sndhwm, rcvhwm, linger, rcvtimeo, sndtimeo, immediate, maxmsgsize,
//!   req_relaxed, req_correlate, xpub_verbose, router_mandatory, rcvmore), `routing_id` after the
//!   socket is made, `last_endpoint`: `EINVAL` ("an option the library lacks is EINVAL");
//! - a subscription that is not UTF-8: zmq.rs's `subscribe` takes `&str`: `EINVAL`;
//! - `disconnect` and `poll`: zmq.rs has neither (no zmq_disconnect, no zmq_poll, no way to ask
//!   whether a socket could send or receive): `ENOTSUP`, after the request is checked;
//! - inproc, pgm, epgm, vmci: not in `transports`; zmq.rs refuses them (`EPROTONOSUPPORT`).
//!
//! zmq.rs's `connect` returns only once the peer's ZMTP handshake is done (it retries a refused
//! connection); the driver waits for it at most DEFAULT_TIMEOUT_MS and then answers `EAGAIN`,
//! the connect abandoned.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{json, Map, Value};
use zeromq::prelude::*;
use zeromq::{
    DealerSocket, PubSocket, PullSocket, PushSocket, RepSocket, ReqSocket, RouterSocket, SubSocket, XPubSocket,
    XSubSocket, ZmqError, ZmqMessage,
};

use crate::kit;

const ROLE: &str = "driver";
const PROTOCOL: i64 = 1;
const DEFAULT_TIMEOUT_MS: u64 = 5000;
const MAX_DURATION_MS: u64 = 2_147_483_647;
/// The types zmq.rs 0.7.0 has, of the protocol's PAIR PUB SUB REQ REP DEALER ROUTER PULL PUSH XPUB XSUB.
const SOCKET_TYPES: [&str; 10] = ["PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB"];
const PROTOCOL_TYPES: [&str; 11] = ["PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB"];
const INT_OPTIONS: [&str; 13] = [
    "sndhwm", "rcvhwm", "linger", "rcvtimeo", "sndtimeo", "immediate", "maxmsgsize", "req_relaxed", "req_correlate",
    "xpub_verbose", "router_mandatory", "rcvmore", "type",
];
const BYTES_OPTIONS: [&str; 4] = ["subscribe", "unsubscribe", "routing_id", "last_endpoint"];
const COMMANDS: [&str; 18] = [
    "batch", "bind", "close", "connect", "disconnect", "getsockopt", "hello", "poll", "quit", "recv", "recv_many",
    "recv_until", "send", "send_many", "setsockopt", "setsockopt_string", "socket", "unbind",
];

pub const DESCRIPTION: &str = "driver: zmq.rs sockets scripted over JSON lines on standard input and output \
(docs/contract.md, section 5). It takes no options.";

/// The fields each command takes besides `cmd` (and `seq`, outside a batch); any other is EINVAL.
fn fields_of(cmd: &str) -> Option<&'static [&'static str]> {
    Some(match cmd {
        "hello" | "quit" => &[],
        "socket" => &["type"],
        "bind" | "connect" | "unbind" | "disconnect" => &["socket", "endpoint"],
        "setsockopt" | "setsockopt_string" => &["socket", "option", "value"],
        "getsockopt" => &["socket", "option"],
        "send" => &["socket", "frames", "timeout_ms"],
        "recv" => &["socket", "timeout_ms"],
        "poll" => &["items", "timeout_ms"],
        "close" => &["socket", "linger_ms"],
        "send_many" => &["socket", "messages", "timeout_ms"],
        "recv_until" => &["socket", "sentinel", "timeout_ms"],
        "recv_many" => &["socket", "count", "timeout_ms"],
        "batch" => &["requests"],
        _ => return None,
    })
}

/// A failed request: the errno's name and a message.
struct Refused {
    errno: &'static str,
    message: String,
    index: Option<usize>,
}

fn refused(errno: &'static str, message: impl Into<String>) -> Refused {
    Refused { errno, message: message.into(), index: None }
}

impl From<ZmqError> for Refused {
    fn from(error: ZmqError) -> Self {
        refused(kit::errno_of(&error), format!("zmq.rs: {error}"))
    }
}

type Answer = Result<Value, Refused>;

/// One zmq.rs socket of any type it has.
enum Sock {
    Pub(PubSocket),
    Sub(SubSocket),
    Req(ReqSocket),
    Rep(RepSocket),
    Dealer(DealerSocket),
    Router(RouterSocket),
    Pull(PullSocket),
    Push(PushSocket),
    XPub(XPubSocket),
    XSub(XSubSocket),
}

macro_rules! each {
    ($sock:expr, $s:ident => $body:expr) => {
        match $sock {
            Sock::Pub($s) => $body,
            Sock::Sub($s) => $body,
            Sock::Req($s) => $body,
            Sock::Rep($s) => $body,
            Sock::Dealer($s) => $body,
            Sock::Router($s) => $body,
            Sock::Pull($s) => $body,
            Sock::Push($s) => $body,
            Sock::XPub($s) => $body,
            Sock::XSub($s) => $body,
        }
    };
}

impl Sock {
    fn new(kind: &str) -> Option<Sock> {
        Some(match kind {
            "PUB" => Sock::Pub(PubSocket::new()),
            "SUB" => Sock::Sub(SubSocket::new()),
            "REQ" => Sock::Req(ReqSocket::new()),
            "REP" => Sock::Rep(RepSocket::new()),
            "DEALER" => Sock::Dealer(DealerSocket::new()),
            "ROUTER" => Sock::Router(RouterSocket::new()),
            "PULL" => Sock::Pull(PullSocket::new()),
            "PUSH" => Sock::Push(PushSocket::new()),
            "XPUB" => Sock::XPub(XPubSocket::new()),
            "XSUB" => Sock::XSub(XSubSocket::new()),
            _ => return None,
        })
    }

    /// libzmq's number for the socket type (ZMQ_TYPE), from zmq.rs's own `socket_type()`.
    fn type_number(&self) -> i64 {
        let kind = each!(self, s => s.backend().socket_type());
        kind as usize as i64
    }

    async fn bind(&mut self, endpoint: &str) -> Result<String, ZmqError> {
        Ok(each!(self, s => s.bind(endpoint).await)?.to_string())
    }

    async fn connect(&mut self, endpoint: &str) -> Result<(), ZmqError> {
        each!(self, s => s.connect(endpoint).await)
    }

    async fn unbind(&mut self, endpoint: zeromq::Endpoint) -> Result<(), ZmqError> {
        each!(self, s => s.unbind(endpoint).await)
    }

    async fn send(&mut self, message: ZmqMessage) -> Result<(), Refused> {
        Ok(match self {
            Sock::Pub(s) => s.send(message).await?,
            Sock::Req(s) => s.send(message).await?,
            Sock::Rep(s) => s.send(message).await?,
            Sock::Dealer(s) => s.send(message).await?,
            Sock::Router(s) => s.send(message).await?,
            Sock::Push(s) => s.send(message).await?,
            Sock::XPub(s) => s.send(message).await?,
            Sock::XSub(s) => s.send(message).await?,
            Sock::Sub(_) | Sock::Pull(_) => {
                return Err(refused("ENOTSUP", "this socket type does not send (zmq.rs has no send for it)"))
            }
        })
    }

    async fn recv(&mut self) -> Result<ZmqMessage, Refused> {
        Ok(match self {
            Sock::Sub(s) => s.recv().await?,
            Sock::Req(s) => s.recv().await?,
            Sock::Rep(s) => s.recv().await?,
            Sock::Dealer(s) => s.recv().await?,
            Sock::Router(s) => s.recv().await?,
            Sock::Pull(s) => s.recv().await?,
            Sock::XPub(s) => s.recv().await?,
            Sock::XSub(s) => s.recv().await?,
            Sock::Pub(_) | Sock::Push(_) => {
                return Err(refused("ENOTSUP", "this socket type does not receive (zmq.rs has no recv for it)"))
            }
        })
    }

    async fn subscription(&mut self, subscribe: bool, prefix: &str) -> Result<(), Refused> {
        match (self, subscribe) {
            (Sock::Sub(s), true) => s.subscribe(prefix).await?,
            (Sock::Sub(s), false) => s.unsubscribe(prefix).await?,
            (Sock::XSub(s), true) => s.subscribe(prefix).await?,
            (Sock::XSub(s), false) => s.unsubscribe(prefix).await?,
            _ => return Err(refused("EINVAL", "only a SUB or XSUB socket takes subscriptions")),
        }
        Ok(())
    }

    async fn close(self) {
        each!(self, s => { let _ = s.close().await; })
    }
}

pub fn run(args: &[String]) -> kit::Outcome {
    kit::Cli::new(ROLE, DESCRIPTION).parse(args)?;
    let runtime = crate::runtime();
    runtime.block_on(async {
        let mut lines = kit::stdin_lines();
        let mut driver = Driver { sockets: HashMap::new(), created: 0 };
        kit::ready(&[]);
        let mut quitting = false;
        while !quitting {
            let Some(line) = lines.recv().await else { break };
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let (reply, quit) = driver.handle(&line).await;
            quitting = quit;
            kit::say(&reply.to_string());
        }
        for (_, sock) in driver.sockets.drain() {
            sock.close().await;
        }
    });
    kit::exit(0)
}

struct Driver {
    sockets: HashMap<String, Sock>,
    created: u64,
}

impl Driver {
    /// One request line: the reply, and whether it was `quit`.
    async fn handle(&mut self, line: &[u8]) -> (Value, bool) {
        let request = match parse(line) {
            Ok(request) => request,
            Err(failure) => return (error_reply(Value::Null, failure), false),
        };
        let seq = match request.get("seq") {
            None => Value::Null,
            Some(seq) if seq.is_i64() || seq.is_u64() => seq.clone(),
            Some(_) => return (error_reply(Value::Null, refused("EINVAL", "seq must be an integer")), false),
        };
        let Some(cmd) = request.get("cmd").and_then(Value::as_str).map(str::to_string) else {
            let failure = refused("ENOTSUP", format!("unknown command {}", request.get("cmd").unwrap_or(&Value::Null)));
            return (error_reply(seq, failure), false);
        };
        match self.execute(&cmd, &request, false).await {
            Ok(ok) => (json!({"seq": seq, "ok": ok}), cmd == "quit"),
            Err(failure) => (error_reply(seq, failure), false),
        }
    }

    async fn execute(&mut self, cmd: &str, request: &Map<String, Value>, in_batch: bool) -> Answer {
        let Some(fields) = fields_of(cmd).filter(|_| !(in_batch && (cmd == "batch" || cmd == "quit"))) else {
            let place = if in_batch { " in a batch (batch and quit cannot be batched)" } else { "" };
            return Err(refused("ENOTSUP", format!("unknown command '{cmd}'{place}")));
        };
        for name in request.keys() {
            let outer = name == "cmd" || (!in_batch && name == "seq");
            if !outer && !fields.contains(&name.as_str()) {
                return Err(refused("EINVAL", format!("{cmd} takes no field '{name}'")));
            }
        }
        for name in ["timeout_ms", "linger_ms"] {
            if let Some(value) = request.get(name) {
                duration(value, name)?;
            }
        }
        match cmd {
            "hello" => Ok(hello()),
            "socket" => self.socket(text(request, "type")?),
            "bind" => {
                let endpoint = text(request, "endpoint")?;
                let sock = self.sock(request)?;
                let bound = sock.bind(&kit::wire_endpoint(endpoint)).await?;
                Ok(json!({"endpoint": bound}))
            }
            "connect" => {
                let endpoint = kit::wire_endpoint(text(request, "endpoint")?);
                let sock = self.sock(request)?;
                match tokio::time::timeout(Duration::from_millis(DEFAULT_TIMEOUT_MS), sock.connect(&endpoint)).await {
                    Ok(done) => done?,
                    Err(_) => {
                        return Err(refused(
                            "EAGAIN",
                            format!(
                                "zmq.rs's connect returns once the peer's ZMTP handshake is done; none within \
                                 {DEFAULT_TIMEOUT_MS} ms (the connect is abandoned)"
                            ),
                        ))
                    }
                }
                Ok(json!({}))
            }
            "unbind" => {
                let endpoint = kit::wire_endpoint(text(request, "endpoint")?);
                let sock = self.sock(request)?;
                let parsed: zeromq::Endpoint =
                    endpoint.parse().map_err(|e| refused("EINVAL", format!("zmq.rs: {e}")))?;
                sock.unbind(parsed).await?;
                Ok(json!({}))
            }
            "disconnect" => {
                text(request, "endpoint")?;
                self.sock(request)?;
                Err(refused("ENOTSUP", "zmq.rs 0.7.0 has no disconnect (Socket::disconnect is a TODO)"))
            }
            "setsockopt" | "setsockopt_string" => self.setsockopt(cmd, request).await,
            "getsockopt" => {
                let option = text(request, "option")?;
                let sock = self.sock(request)?;
                known_option(option)?;
                if option == "type" {
                    return Ok(json!({"value": sock.type_number()}));
                }
                Err(lacking(option))
            }
            "send" => {
                let message = message_of(request.get("frames"), "frames")?;
                let wait = timeout_of(request)?;
                let sock = self.sock(request)?;
                send_within(sock, message, wait).await?;
                Ok(json!({}))
            }
            "recv" => {
                let wait = timeout_of(request)?;
                let sock = self.sock(request)?;
                let frames = recv_within(sock, wait).await?;
                Ok(json!({"frames": hex_frames(&frames)}))
            }
            "poll" => {
                let items = request.get("items").and_then(Value::as_array).ok_or_else(|| {
                    refused("EINVAL", "items must be a list of {\"socket\", \"events\"}")
                })?;
                for item in items {
                    let item = item
                        .as_object()
                        .ok_or_else(|| refused("EINVAL", format!("a poll item is an object, got {item}")))?;
                    for key in item.keys() {
                        if key != "socket" && key != "events" {
                            return Err(refused("EINVAL", format!("a poll item takes no field '{key}'")));
                        }
                    }
                    self.sock(item)?;
                    if let Some(events) = item.get("events") {
                        let ok = events.as_array().is_some_and(|list| {
                            list.iter().all(|e| e.as_str().is_some_and(|e| e == "in" || e == "out"))
                        });
                        if !ok {
                            return Err(refused("EINVAL", format!("poll events are 'in' and 'out', got {events}")));
                        }
                    }
                }
                timeout_of(request)?;
                Err(refused(
                    "ENOTSUP",
                    "zmq.rs 0.7.0 has no poller: no zmq_poll, and no way to ask whether a socket could send or \
                     receive without doing it",
                ))
            }
            "close" => {
                let name = text(request, "socket")?.to_string();
                let sock = self.sockets.remove(&name).ok_or_else(|| no_socket(&name))?;
                sock.close().await; // zmq.rs has no linger: a socket's queue goes with it
                Ok(json!({}))
            }
            "quit" => Ok(json!({})),
            "send_many" => {
                let messages = request
                    .get("messages")
                    .and_then(Value::as_array)
                    .ok_or_else(|| refused("EINVAL", "messages must be a list of lists of hex frames"))?;
                let messages = messages
                    .iter()
                    .map(|m| message_of(Some(m), "messages"))
                    .collect::<Result<Vec<_>, _>>()?;
                let wait = timeout_of(request)?;
                let sock = self.sock(request)?;
                let count = messages.len();
                for message in messages {
                    send_within(sock, message, wait).await?;
                }
                Ok(json!({"sent": count}))
            }
            "recv_until" => {
                let sentinel = frames_of(request.get("sentinel"), "sentinel")?;
                let wait = timeout_of(request)?;
                let sock = self.sock(request)?;
                let deadline = Instant::now() + wait;
                let mut received = Vec::new();
                while let Some(frames) = recv_before(sock, deadline).await? {
                    if frames.iter().map(|f| f.as_ref()).eq(sentinel.iter().map(|f| f.as_ref())) {
                        return Ok(json!({"messages": received, "found": true}));
                    }
                    received.push(hex_frames(&frames));
                }
                Ok(json!({"messages": received, "found": false}))
            }
            "recv_many" => {
                let count = request
                    .get("count")
                    .and_then(Value::as_u64)
                    .ok_or_else(|| refused("EINVAL", "count must be a non-negative integer"))?;
                let wait = timeout_of(request)?;
                let sock = self.sock(request)?;
                let deadline = Instant::now() + wait;
                let mut received = Vec::new();
                while (received.len() as u64) < count {
                    match recv_before(sock, deadline).await? {
                        Some(frames) => received.push(hex_frames(&frames)),
                        None => break,
                    }
                }
                Ok(json!({"messages": received}))
            }
            "batch" => {
                let requests = request
                    .get("requests")
                    .and_then(Value::as_array)
                    .ok_or_else(|| refused("EINVAL", "requests must be a list of requests"))?
                    .clone();
                let mut results = Vec::with_capacity(requests.len());
                for (index, inner) in requests.iter().enumerate() {
                    let outcome = match inner.as_object() {
                        None => Err(refused("EINVAL", "a batched request must be a JSON object")),
                        Some(inner) => match inner.get("cmd").and_then(Value::as_str) {
                            None => Err(refused("ENOTSUP", "a batched request needs a cmd")),
                            Some(cmd) => Box::pin(self.execute(cmd, inner, true)).await,
                        },
                    };
                    match outcome {
                        Ok(ok) => results.push(ok),
                        Err(mut failure) => {
                            failure.message = format!("batch request {index}: {}", failure.message);
                            failure.index = Some(index);
                            return Err(failure);
                        }
                    }
                }
                Ok(json!({"results": results}))
            }
            _ => Err(refused("ENOTSUP", format!("unknown command '{cmd}'"))),
        }
    }

    fn socket(&mut self, kind: &str) -> Answer {
        if !PROTOCOL_TYPES.contains(&kind) {
            return Err(refused("EINVAL", format!("unknown socket type '{kind}'")));
        }
        let sock = Sock::new(kind)
            .ok_or_else(|| refused("EINVAL", format!("zmq.rs 0.7.0 has no {kind} socket (it has {})", SOCKET_TYPES.join(" "))))?;
        self.created += 1;
        let name = format!("s{}", self.created);
        self.sockets.insert(name.clone(), sock);
        Ok(json!({"socket": name}))
    }

    fn sock(&mut self, request: &Map<String, Value>) -> Result<&mut Sock, Refused> {
        let name = text(request, "socket")?;
        self.sockets.get_mut(name).ok_or_else(|| no_socket(name))
    }

    async fn setsockopt(&mut self, cmd: &str, request: &Map<String, Value>) -> Answer {
        let option = text(request, "option")?;
        let value = request.get("value").ok_or_else(|| refused("EINVAL", "missing field 'value'"))?;
        self.sock(request)?;
        known_option(option)?;
        let bytes: Vec<u8> = if cmd == "setsockopt_string" {
            if !BYTES_OPTIONS.contains(&option) {
                return Err(refused("EINVAL", format!("'{option}' is not a bytes option")));
            }
            value.as_str().ok_or_else(|| refused("EINVAL", "value must be text"))?.as_bytes().to_vec()
        } else if BYTES_OPTIONS.contains(&option) {
            unhex(value.as_str().ok_or_else(|| refused("EINVAL", "value must be a hex string"))?)?
        } else {
            if !(value.is_i64() || value.is_u64()) {
                return Err(refused("EINVAL", format!("{option} takes an integer of at most 64 bits, got {value}")));
            }
            return Err(lacking(option));
        };
        match option {
            "subscribe" | "unsubscribe" => {
                let prefix = String::from_utf8(bytes).map_err(|_| {
                    refused(
                        "EINVAL",
                        "zmq.rs's subscribe and unsubscribe take &str: a prefix that is not UTF-8 cannot be given",
                    )
                })?;
                self.sock(request)?.subscription(option == "subscribe", &prefix).await?;
                Ok(json!({}))
            }
            "routing_id" => Err(refused(
                "EINVAL",
                "zmq.rs takes a routing id only when a socket is made (SocketOptions::peer_identity), not later",
            )),
            _ => Err(refused("EINVAL", format!("{option} cannot be set"))),
        }
    }
}

fn hello() -> Value {
    json!({
        "protocol": PROTOCOL,
        "implementation": "zmqspec-zmqrs",
        "language": format!("rust {}", env!("ZMQRS_NODE_RUSTC")),
        "library": "zeromq 0.7.0 (zmq.rs), tokio runtime",
        "zmq_version": "ZMTP 3.1 (zmq.rs 0.7.0; no libzmq)",
        "transports": ["tcp", "ipc"],
        "socket_types": SOCKET_TYPES,
        "commands": COMMANDS,
    })
}

fn known_option(option: &str) -> Result<(), Refused> {
    if INT_OPTIONS.contains(&option) || BYTES_OPTIONS.contains(&option) {
        Ok(())
    } else {
        Err(refused("EINVAL", format!("unknown option '{option}'")))
    }
}

fn lacking(option: &str) -> Refused {
    refused("EINVAL", format!("zmq.rs 0.7.0 has no {} option", option.to_uppercase()))
}

fn no_socket(name: &str) -> Refused {
    refused("ENOTSOCK", format!("no socket named '{name}'"))
}

fn parse(line: &[u8]) -> Result<Map<String, Value>, Refused> {
    let text = std::str::from_utf8(line).map_err(|_| refused("EPROTO", "not JSON: the line is not UTF-8"))?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(request)) => Ok(request),
        Ok(_) => Err(refused("EPROTO", "a request must be a JSON object")),
        Err(e) => Err(refused("EPROTO", format!("not JSON: {e}"))),
    }
}

fn error_reply(seq: Value, failure: Refused) -> Value {
    let mut error = json!({"errno": failure.errno, "message": failure.message});
    if let Some(index) = failure.index {
        error["index"] = json!(index);
    }
    json!({"seq": seq, "error": error})
}

fn text<'a>(request: &'a Map<String, Value>, name: &str) -> Result<&'a str, Refused> {
    match request.get(name) {
        Some(Value::String(value)) => Ok(value),
        Some(other) => Err(refused("EINVAL", format!("field '{name}' must be a string, got {other}"))),
        None => Err(refused("EINVAL", format!("missing field '{name}'"))),
    }
}

fn duration(value: &Value, name: &str) -> Result<Duration, Refused> {
    match value.as_u64() {
        Some(ms) if ms <= MAX_DURATION_MS => Ok(Duration::from_millis(ms)),
        _ => Err(refused("EINVAL", format!("{name} must be an integer from 0 to {MAX_DURATION_MS}, got {value}"))),
    }
}

fn timeout_of(request: &Map<String, Value>) -> Result<Duration, Refused> {
    match request.get("timeout_ms") {
        Some(value) => duration(value, "timeout_ms"),
        None => Ok(Duration::from_millis(DEFAULT_TIMEOUT_MS)),
    }
}

fn unhex(text: &str) -> Result<Vec<u8>, Refused> {
    let bad = || refused("EINVAL", format!("not a hex string: {text:?}"));
    if text.len() % 2 != 0 {
        return Err(bad());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()).ok_or_else(bad))
        .collect()
}

fn frames_of(value: Option<&Value>, name: &str) -> Result<Vec<Bytes>, Refused> {
    let list = value
        .and_then(Value::as_array)
        .ok_or_else(|| refused("EINVAL", format!("{name} must be a list of hex strings")))?;
    list.iter()
        .map(|frame| match frame.as_str() {
            Some(hex) => unhex(hex).map(Bytes::from),
            None => Err(refused("EINVAL", format!("{name} must be a list of hex strings, got {frame}"))),
        })
        .collect()
}

fn message_of(value: Option<&Value>, name: &str) -> Result<ZmqMessage, Refused> {
    let frames = frames_of(value, name)?;
    ZmqMessage::try_from(frames).map_err(|_| refused("EINVAL", "a message has at least one frame"))
}

fn hex_frames(message: &ZmqMessage) -> Vec<String> {
    message.iter().map(|frame| frame.iter().map(|b| format!("{b:02x}")).collect()).collect()
}

async fn send_within(sock: &mut Sock, message: ZmqMessage, wait: Duration) -> Result<(), Refused> {
    match tokio::time::timeout(wait, sock.send(message)).await {
        Ok(done) => done,
        Err(_) => Err(refused("EAGAIN", "Resource temporarily unavailable (the send did not complete in time)")),
    }
}

async fn recv_within(sock: &mut Sock, wait: Duration) -> Result<ZmqMessage, Refused> {
    match tokio::time::timeout(wait, sock.recv()).await {
        Ok(done) => done,
        Err(_) => Err(refused("EAGAIN", "Resource temporarily unavailable (nothing arrived in time)")),
    }
}

/// One message, or `None` once the deadline has passed.
async fn recv_before(sock: &mut Sock, deadline: Instant) -> Result<Option<ZmqMessage>, Refused> {
    let wait = deadline.saturating_duration_since(Instant::now());
    match recv_within(sock, wait).await {
        Ok(message) => Ok(Some(message)),
        Err(failure) if failure.errno == "EAGAIN" && failure.message.contains("in time") => Ok(None),
        Err(failure) => Err(failure),
    }
}
