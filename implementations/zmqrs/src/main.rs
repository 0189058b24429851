//! zmqrs-node: zmqspec's node contract (docs/contract.md) on zmq.rs, the Rust crate `zeromq`
//! 0.7.0 (tokio runtime, ZMTP 3.1, no libzmq). One binary; the role is the first argument:
//!
//!     zmqrs-node ROLE [options]
//!
//! ROLE is one of rep-server req-client gateway weather-pub weather-sub sync-pub sync-sub
//! ventilator worker sink driver. README.md says how it was built and what the suite found;
//! DEVIATIONS.md lists where zmq.rs departs from the catalogue.

mod driver;
mod kit;
mod pipeline;
mod pubsub;
mod reqrep;

const ROLES: [&str; 11] = [
    "rep-server", "req-client", "gateway", "weather-pub", "weather-sub", "sync-pub", "sync-sub", "ventilator",
    "worker", "sink", "driver",
];

/// The tokio runtime every role runs on: two worker threads (the machine's cores), so zmq.rs's
/// background tasks (accepting, handshakes, one writer per peer, PUB fan-out) run while a role's
/// loop is busy.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn main() {
    kit::die_with_parent();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(role) = args.first().cloned() else {
        eprintln!("zmqrs-node: error: name a role: {}", ROLES.join(" "));
        kit::exit(2);
    };
    let rest = &args[1..];
    let outcome = match role.as_str() {
        "rep-server" => reqrep::rep_server(rest),
        "req-client" => reqrep::req_client(rest),
        "gateway" => reqrep::gateway(rest),
        "weather-pub" => pubsub::weather_pub(rest),
        "weather-sub" => pubsub::weather_sub(rest),
        "sync-pub" => pubsub::sync_pub(rest),
        "sync-sub" => pubsub::sync_sub(rest),
        "ventilator" => pipeline::ventilator(rest),
        "worker" => pipeline::worker(rest),
        "sink" => pipeline::sink(rest),
        "driver" => driver::run(rest),
        "--help" | "-h" => {
            kit::say(&format!("usage: zmqrs-node ROLE [options]\n\nroles: {}", ROLES.join(" ")));
            kit::exit(0);
        }
        other => {
            eprintln!("zmqrs-node: error: unknown role '{other}' (roles: {})", ROLES.join(" "));
            kit::exit(2);
        }
    };
    match outcome {
        Ok(()) => kit::exit(0),
        Err(failure) => kit::fail(&role, &failure),
    }
}
