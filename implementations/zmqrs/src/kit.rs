//! What every node shares (docs/contract.md, sections 1 to 4): the command line, the output,
//! the ready line, the lifelines, one-line errors, and the names of zmq.rs's errors.
//!
//! zmq.rs (the crate `zeromq`) reports errors as `ZmqError` values, not errno numbers; `errno_of`
//! names each the way libzmq would (EADDRINUSE, EFSM, EAGAIN...), and the message keeps zmq.rs's
//! own words so a report shows what really happened.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use zeromq::{Socket, ZmqError};

/// A socket given neither `--bind` nor `--connect` binds here (contract, section 1).
pub const DEFAULT_BIND: &str = "tcp://127.0.0.1:*";
/// How long a role that ends by itself keeps running after its last send, so that zmq.rs's
/// writer tasks can put what is queued on the wire. zmq.rs has no ZMQ_LINGER and no flush:
/// dropping a socket, or ending the process, discards what it still holds (README.md,
/// "Workarounds"). libzmq's default linger is the same second in the reference nodes.
pub const LINGER_MS: u64 = 1000;

// -- output ---------------------------------------------------------------------------------

/// Print a line on standard output and flush it (the suite reads output while the node runs).
pub fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}

/// Print text without a newline (a prompt, a progress mark) and flush it.
pub fn say_bare(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// One line on standard error about something the node skipped or could not do.
pub fn warn(role: &str, text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "zmqspec {role}: {text}");
    let _ = err.flush();
}

/// The ready line: `ZMQSPEC READY {json}`, socket name to the endpoints it bound.
pub fn ready(bound: &[(&str, &[String])]) {
    let map: BTreeMap<&str, &[String]> = bound.iter().map(|(name, eps)| (*name, *eps)).collect();
    say(&format!("ZMQSPEC READY {}", serde_json::to_string(&map).expect("a map of strings")));
}

/// End the process now, standard streams flushed.
pub fn exit(status: i32) -> ! {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    std::process::exit(status)
}

/// A problem the node ends on: one line on standard error, exit status 1 (or 2 for bad arguments).
#[derive(Debug)]
pub struct Failure {
    pub status: i32,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure { status: 2, message: message.into() }
    }
    pub fn fatal(message: impl Into<String>) -> Self {
        Failure { status: 1, message: message.into() }
    }
}

pub type Outcome = Result<(), Failure>;

pub fn fail(role: &str, failure: &Failure) -> ! {
    let _ = std::io::stdout().flush();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "zmqspec {role}: error: {}", failure.message);
    let _ = err.flush();
    exit(failure.status)
}

// -- lifelines ------------------------------------------------------------------------------

/// Ask Linux to send SIGTERM when the parent process dies (contract, section 3).
pub fn die_with_parent() {
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM as libc::c_ulong, 0, 0, 0);
    }
}

/// For roles that never read standard input: its end-of-file ends the node with status 0.
pub fn quit_on_stdin_eof() {
    std::thread::Builder::new()
        .name("stdin-lifeline".into())
        .spawn(|| {
            let mut stdin = std::io::stdin().lock();
            let mut buffer = [0u8; 65536];
            loop {
                match stdin.read(&mut buffer) {
                    Ok(0) => exit(0),
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => exit(0),
                }
            }
        })
        .expect("a thread for the stdin lifeline");
}

/// For roles that read standard input: its lines (bytes, newline removed), `None` at end-of-file,
/// delivered by a thread so the async side can wait for a line and for sockets at once.
pub fn stdin_lines() -> tokio::sync::mpsc::UnboundedReceiver<Vec<u8>> {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("stdin-lines".into())
        .spawn(move || {
            use std::io::BufRead;
            let mut stdin = std::io::stdin().lock();
            loop {
                let mut line = Vec::new();
                match stdin.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => return, // the sender drops: end of input
                    Ok(_) => {
                        while line.last() == Some(&b'\n') || line.last() == Some(&b'\r') {
                            line.pop();
                        }
                        if sender.send(line).is_err() {
                            return;
                        }
                    }
                }
            }
        })
        .expect("a thread reading standard input");
    receiver
}

// -- endpoints ------------------------------------------------------------------------------

/// An endpoint as zmq.rs takes it. zmq.rs 0.7.0 parses a tcp port as digits only and a host as
/// a name or an address, so libzmq's wildcards are spelled its way: port `*` becomes `0` (any
/// free port) and host `*` becomes `0.0.0.0` (every interface). Nothing else is changed.
pub fn wire_endpoint(endpoint: &str) -> String {
    let Some(address) = endpoint.strip_prefix("tcp://") else {
        return endpoint.to_string();
    };
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => (host, port),
        None => return endpoint.to_string(),
    };
    let host = if host == "*" { "0.0.0.0" } else { host };
    let port = if port == "*" { "0" } else { port };
    format!("tcp://{host}:{port}")
}

/// Bind then connect one socket, in the order given; return the endpoints it bound (as zmq.rs
/// resolved them). A socket given neither binds `default_bind`, or, without one, is a usage error.
/// zmq.rs's connect returns once the ZMTP handshake with the peer is done (it retries a refused
/// connection with a back-off, up to its default connect timeout of 30 s).
pub async fn attach<S: Socket>(
    sock: &mut S,
    option: &str,
    binds: &[String],
    connects: &[String],
    default_bind: Option<&str>,
) -> Result<Vec<String>, Failure> {
    let mut binds = binds.to_vec();
    if binds.is_empty() && connects.is_empty() {
        match default_bind {
            Some(endpoint) => binds.push(endpoint.to_string()),
            None => return Err(Failure::usage(format!("needs at least one endpoint to connect to (--{option}connect)"))),
        }
    }
    let mut bound = Vec::new();
    for endpoint in &binds {
        match sock.bind(&wire_endpoint(endpoint)).await {
            Ok(resolved) => bound.push(resolved.to_string()),
            Err(e) => return Err(Failure::fatal(format!("cannot bind {endpoint}: {e} ({})", errno_of(&e)))),
        }
    }
    for endpoint in connects {
        if let Err(e) = sock.connect(&wire_endpoint(endpoint)).await {
            return Err(Failure::fatal(format!("cannot connect {endpoint}: {e} ({})", errno_of(&e))));
        }
    }
    Ok(bound)
}

/// What the sink prints after STARTING SERVER AT: the port for tcp, the endpoint otherwise.
pub fn shown_port(endpoint: &str) -> String {
    match endpoint.strip_prefix("tcp://") {
        Some(address) => address.rsplit_once(':').map(|(_, port)| port.to_string()).unwrap_or_default(),
        None => endpoint.to_string(),
    }
}

// -- errors ---------------------------------------------------------------------------------

/// The libzmq/POSIX name for a zmq.rs error (docs/contract.md, section 5).
pub fn errno_of(error: &ZmqError) -> &'static str {
    match error {
        ZmqError::Endpoint(zeromq_endpoint_error) => {
            if format!("{zeromq_endpoint_error:?}").starts_with("UnknownTransport") {
                "EPROTONOSUPPORT"
            } else {
                "EINVAL"
            }
        }
        ZmqError::Network(io) => io_errno(io),
        ZmqError::NoSuchBind(_) => "ENOENT",
        ZmqError::Codec(_) => "EPROTO",
        ZmqError::Socket(_) => "EINVAL",
        ZmqError::BufferFull(_) => "EAGAIN",
        ZmqError::ReturnToSender { reason, .. } => state_errno(reason),
        ZmqError::ReturnToSenderMultipart { reason, .. } => state_errno(reason),
        ZmqError::Task(_) => "EPROTO",
        ZmqError::Other(reason) => state_errno(reason),
        ZmqError::NoMessage => "ENOTCONN",
        ZmqError::PeerIdentity => "EINVAL",
        ZmqError::UnsupportedVersion(_) => "EPROTO",
        ZmqError::ConnectTimeout(_) => "ETIMEDOUT",
    }
}

/// zmq.rs says why a send or receive is refused in words; these are libzmq's errnos for the same.
fn state_errno(reason: &str) -> &'static str {
    if reason.contains("in progress") {
        "EFSM" // "Request already in progress", "No request in progress": out of turn
    } else if reason.contains("Not connected to peers") {
        "EAGAIN" // no peer to take the message now: libzmq's EAGAIN for a send that cannot complete
    } else if reason.contains("disconnected") {
        "ENOTCONN" // "Server disconnected", "Client disconnected"
    } else if reason.contains("not found by identity") {
        "EHOSTUNREACH" // libzmq's ROUTER_MANDATORY errno for an unknown routing id
    } else {
        "EPROTO" // "Invalid message format", "Provided sockets combination is not compatible", ...
    }
}

pub fn io_errno(io: &std::io::Error) -> &'static str {
    if let Some(code) = io.raw_os_error() {
        let name = match code {
            libc::EPERM => "EPERM",
            libc::ENOENT => "ENOENT",
            libc::EINTR => "EINTR",
            libc::EACCES => "EACCES",
            libc::EEXIST => "EEXIST",
            libc::ENOTDIR => "ENOTDIR",
            libc::EISDIR => "EISDIR",
            libc::EINVAL => "EINVAL",
            libc::EROFS => "EROFS",
            libc::EPIPE => "EPIPE",
            libc::ENAMETOOLONG => "ENAMETOOLONG",
            libc::ENOTSOCK => "ENOTSOCK",
            libc::EPROTONOSUPPORT => "EPROTONOSUPPORT",
            libc::EAFNOSUPPORT => "EAFNOSUPPORT",
            libc::EADDRINUSE => "EADDRINUSE",
            libc::EADDRNOTAVAIL => "EADDRNOTAVAIL",
            libc::ENETUNREACH => "ENETUNREACH",
            libc::ECONNRESET => "ECONNRESET",
            libc::ECONNABORTED => "ECONNABORTED",
            libc::ENOTCONN => "ENOTCONN",
            libc::ETIMEDOUT => "ETIMEDOUT",
            libc::ECONNREFUSED => "ECONNREFUSED",
            libc::EHOSTUNREACH => "EHOSTUNREACH",
            libc::ENODEV => "ENODEV",
            libc::EMFILE => "EMFILE",
            _ => "",
        };
        if !name.is_empty() {
            return name;
        }
    }
    use std::io::ErrorKind::*;
    match io.kind() {
        AddrInUse => "EADDRINUSE",
        AddrNotAvailable => "EADDRNOTAVAIL",
        NotFound => "ENOENT",
        PermissionDenied => "EACCES",
        ConnectionRefused => "ECONNREFUSED",
        ConnectionReset => "ECONNRESET",
        TimedOut => "ETIMEDOUT",
        // a host name that does not resolve: libzmq says EINVAL for an address it cannot use
        _ => "EINVAL",
    }
}

// -- bytes as text --------------------------------------------------------------------------

/// Received bytes as UTF-8, each undecodable byte written `\xNN` (Python's "backslashreplace").
pub fn decode(data: &[u8]) -> String {
    let mut text = String::with_capacity(data.len());
    let mut rest = data;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                text.push_str(valid);
                return text;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                text.push_str(std::str::from_utf8(valid).expect("checked"));
                let bad = e.error_len().unwrap_or(after.len());
                for byte in &after[..bad] {
                    text.push_str(&format!("\\x{byte:02x}"));
                }
                rest = &after[bad..];
            }
        }
    }
}

const SHOWN_BYTES: usize = 40;

/// Bytes as a stderr line shows them: Python's repr of the first 40, and the size when cut.
pub fn shown(data: &[u8]) -> String {
    let cut = data.len() > SHOWN_BYTES;
    let mut text = String::from("b'");
    for &byte in data.iter().take(SHOWN_BYTES) {
        match byte {
            b'\\' => text.push_str("\\\\"),
            b'\'' => text.push_str("\\'"),
            b'\n' => text.push_str("\\n"),
            b'\r' => text.push_str("\\r"),
            b'\t' => text.push_str("\\t"),
            0x20..=0x7e => text.push(byte as char),
            _ => text.push_str(&format!("\\x{byte:02x}")),
        }
    }
    text.push('\'');
    if cut {
        text.push_str(&format!("... ({} bytes)", data.len()));
    }
    text
}

// -- the command line -----------------------------------------------------------------------

struct Spec {
    name: String,
    metavar: Option<&'static str>,
    repeatable: bool,
    help: String,
}

/// A role's command line: GNU long options (`--name A`, `--name=A`), some repeatable, some flags.
/// Any problem is a usage `Failure` naming the option (exit status 2, one line); `--help` prints
/// the role's options on standard output and exits 0.
pub struct Cli {
    role: &'static str,
    description: &'static str,
    specs: Vec<Spec>,
    given: BTreeMap<String, Vec<String>>,
}

impl Cli {
    pub fn new(role: &'static str, description: &'static str) -> Self {
        Cli { role, description, specs: Vec::new(), given: BTreeMap::new() }
    }

    /// `--{prefix}bind` and `--{prefix}connect` for one socket, both repeatable.
    pub fn endpoints(mut self, prefix: &str, socket: &str) -> Self {
        for verb in ["bind", "connect"] {
            self.specs.push(Spec {
                name: format!("{prefix}{verb}"),
                metavar: Some("ENDPOINT"),
                repeatable: true,
                help: format!("{verb} the {socket} socket (repeatable)"),
            });
        }
        self
    }

    pub fn value(mut self, name: &str, metavar: &'static str, help: &str) -> Self {
        self.specs.push(Spec { name: name.into(), metavar: Some(metavar), repeatable: false, help: help.into() });
        self
    }

    pub fn flag(mut self, name: &str, help: &str) -> Self {
        self.specs.push(Spec { name: name.into(), metavar: None, repeatable: false, help: help.into() });
        self
    }

    pub fn parse(mut self, args: &[String]) -> Result<Self, Failure> {
        let mut unknown = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let arg = &args[i];
            i += 1;
            if arg == "--help" || arg == "-h" {
                say(&self.help());
                exit(0);
            }
            let Some(body) = arg.strip_prefix("--").filter(|b| !b.is_empty()) else {
                unknown.push(arg.clone());
                continue;
            };
            let (name, inline) = match body.split_once('=') {
                Some((name, value)) => (name.to_string(), Some(value.to_string())),
                None => (body.to_string(), None),
            };
            let Some(spec) = self.specs.iter().find(|s| s.name == name) else {
                unknown.push(arg.clone());
                continue;
            };
            let value = if spec.metavar.is_none() {
                if let Some(inline) = inline {
                    return Err(Failure::usage(format!("argument --{name}: ignored explicit argument '{inline}'")));
                }
                String::new()
            } else if let Some(inline) = inline {
                inline
            } else if i < args.len() && !(args[i].starts_with("--") && args[i].len() > 2) {
                i += 1;
                args[i - 1].clone()
            } else {
                return Err(Failure::usage(format!("argument --{name}: expected one argument")));
            };
            let repeatable = spec.repeatable;
            let values = self.given.entry(name).or_default();
            if !repeatable {
                values.clear();
            }
            values.push(value);
        }
        if !unknown.is_empty() {
            return Err(Failure::usage(format!("unrecognized arguments: {}", unknown.join(" "))));
        }
        Ok(self)
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.given.get(name).cloned().unwrap_or_default()
    }

    pub fn has(&self, name: &str) -> bool {
        self.given.contains_key(name)
    }

    pub fn text(&self, name: &str, fallback: &str) -> String {
        self.given.get(name).and_then(|v| v.last().cloned()).unwrap_or_else(|| fallback.to_string())
    }

    /// An integer option within `min..=max`; not a number, or out of range, is a usage error naming it.
    pub fn integer(&self, name: &str, fallback: i64, min: i64, max: i64) -> Result<i64, Failure> {
        if !self.has(name) {
            return Ok(fallback);
        }
        let text = self.text(name, "");
        let value: i64 = text
            .trim()
            .parse()
            .map_err(|_| Failure::usage(format!("argument --{name}: invalid int value: '{text}'")))?;
        if value < min {
            let bound = if min == 0 { "0 or more".to_string() } else { format!("at least {min}") };
            return Err(Failure::usage(format!("argument --{name}: must be {bound}, got {value}")));
        }
        if value > max {
            return Err(Failure::usage(format!("argument --{name}: must be at most {max}, got {value}")));
        }
        Ok(value)
    }

    fn help(&self) -> String {
        let mut text = format!(
            "usage: {} {} [options]\n\n{}\n\noptions:\n  -h, --help              show this help and exit\n",
            "zmqrs-node",
            self.role,
            self.description.trim()
        );
        for spec in &self.specs {
            let left = match spec.metavar {
                Some(metavar) => format!("  --{} {}", spec.name, metavar),
                None => format!("  --{}", spec.name),
            };
            if left.len() < 26 {
                text.push_str(&format!("{left:<26}{}\n", spec.help));
            } else {
                text.push_str(&format!("{left}\n{:<26}{}\n", "", spec.help));
            }
        }
        text.trim_end().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_spelled_the_zmq_rs_way() {
        assert_eq!(wire_endpoint("tcp://127.0.0.1:*"), "tcp://127.0.0.1:0");
        assert_eq!(wire_endpoint("tcp://*:5555"), "tcp://0.0.0.0:5555");
        assert_eq!(wire_endpoint("ipc:///tmp/x:*"), "ipc:///tmp/x:*");
        assert_eq!(wire_endpoint("tcp://127.0.0.1:99999"), "tcp://127.0.0.1:99999");
    }

    #[test]
    fn undecodable_bytes_are_escaped() {
        assert_eq!(decode(b"caf\xc3\xa9 \xff!"), "café \\xff!");
        assert_eq!(shown(b"a'\x00"), "b'a\\'\\x00'");
    }
}
