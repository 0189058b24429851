//! PUSH-PULL roles: ventilator (PP-2), worker (PP-3, PP-9), sink (PP-1, PP-9).

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zeromq::prelude::*;
use zeromq::{PubSocket, PullSocket, PushSocket, SubSocket, ZmqMessage};

use crate::kit::{self, Failure, Outcome};

const KILL: &[u8] = b"KILL";
const MAX_WORKLOAD_MS: i64 = 60_000;
const COUNT_BYTES: usize = 8;

const VENTILATOR: &str = "ventilator: the seed's task ventilator (catalogue PP-2). Binds a PUSH socket for the \
workers, connects a second PUSH to the sink and sends it N as 8 bytes big-endian, prints START VENT SERVER, waits for \
a line on standard input after '> IF YOU'RE READY, PRESS ENTER TO START', deals N workloads (random integers in \
--cost-min..--cost-max milliseconds, as decimal text), prints 'TOTAL EXPECTED COST: {sum}', and quits after 'PRESS \
ENTER TO QUIT' and another line. End of input at the first prompt exits 0 without dealing.";

pub fn ventilator(args: &[String]) -> Outcome {
    const ROLE: &str = "ventilator";
    let cli = kit::Cli::new(ROLE, VENTILATOR)
        .endpoints("", "task PUSH")
        .endpoints("sink-", "sink PUSH")
        .value("tasks", "N", "how many tasks (default 100000)")
        .value("cost-min", "MS", "smallest workload in ms (default 1)")
        .value("cost-max", "MS", "largest workload in ms (default 99, at most 60000)")
        .flag("zero-cost", "every workload 0 ms (for throughput measurements)")
        .value("seed", "S", "seed the random workloads")
        .parse(args)?;
    let tasks = cli.integer("tasks", 100_000, 0, i64::MAX)?;
    let (mut cost_min, mut cost_max) = (cli.integer("cost-min", 1, 0, i64::MAX)?, cli.integer("cost-max", 99, 0, i64::MAX)?);
    if cli.has("zero-cost") {
        (cost_min, cost_max) = (0, 0);
    }
    if cost_min > cost_max {
        return Err(Failure::usage("--cost-min is larger than --cost-max"));
    }
    if cost_max > MAX_WORKLOAD_MS {
        return Err(Failure::usage(format!(
            "argument --cost-max: must be at most {MAX_WORKLOAD_MS} ms (a worker skips a longer task), got {cost_max}"
        )));
    }
    if cli.all("sink-bind").is_empty() && cli.all("sink-connect").is_empty() {
        return Err(Failure::usage("needs the sink's endpoint (--sink-connect)"));
    }
    let seed = if cli.has("seed") { Some(cli.integer("seed", 0, i64::MIN, i64::MAX)?) } else { None };
    crate::runtime().block_on(async {
        let mut lines = kit::stdin_lines();
        let mut workers = PushSocket::new();
        let mut sink = PushSocket::new();
        let bound_tasks =
            kit::attach(&mut workers, "", &cli.all("bind"), &cli.all("connect"), Some(kit::DEFAULT_BIND)).await?;
        let bound_sink = kit::attach(&mut sink, "sink-", &cli.all("sink-bind"), &cli.all("sink-connect"), None).await?;
        sink.send(ZmqMessage::from((tasks as u64).to_be_bytes().to_vec()))
            .await
            .map_err(|e| Failure::fatal(format!("cannot tell the sink N: {e} ({})", kit::errno_of(&e))))?;
        kit::say("START VENT SERVER");
        kit::ready(&[("tasks", &bound_tasks), ("sink", &bound_sink)]);
        kit::say_bare("> IF YOU'RE READY, PRESS ENTER TO START");
        if lines.recv().await.is_none() {
            return Ok(());
        }
        kit::say("");
        let mut rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed as u64),
            None => StdRng::from_entropy(),
        };
        let mut total: i64 = 0;
        for _ in 0..tasks {
            let workload = if cost_max == 0 { 0 } else { rng.gen_range(cost_min..=cost_max) };
            total += workload;
            // zmq.rs's PUSH refuses a message when no worker is connected ("Not connected to
            // peers") instead of keeping it: the ventilator cannot go on (DEVIATIONS.md, PP-7).
            workers
                .send(ZmqMessage::from(workload.to_string()))
                .await
                .map_err(|e| Failure::fatal(format!("cannot deal a task: {e} ({})", kit::errno_of(&e))))?;
        }
        kit::say(&format!("TOTAL EXPECTED COST: {total}"));
        kit::say_bare("PRESS ENTER TO QUIT");
        let _ = lines.recv().await;
        kit::say("");
        tokio::time::sleep(Duration::from_millis(kit::LINGER_MS)).await;
        Ok(())
    })
}

const WORKER: &str = "worker: the seed's worker, with the kill signal (catalogue PP-3, PP-9). Connects PULL to the \
ventilator and PUSH to the sink. For each task it prints '.', sleeps the workload in milliseconds, and pushes an \
empty result. With --kill-connect it also subscribes to the sink's kill channel and waits on both sockets at once \
(tokio::select!, zmq.rs has no poller): the one-frame message KILL ends it with status 0. A task that is not one \
frame of decimal digits worth 0..60000 ms, and a kill-channel message other than KILL, are skipped with one line on \
stderr. --wait-connected: zmq.rs's connect already returns only once the ZMTP handshake is done, so the ready line \
always comes after every handshake.";

/// The workload a task asks for: ASCII decimal digits worth 0..=60000; None if malformed.
fn workload_ms(task: &[u8]) -> Option<u64> {
    if task.is_empty() || !task.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let significant: &[u8] = {
        let start = task.iter().position(|&b| b != b'0').unwrap_or(task.len());
        &task[start..]
    };
    if significant.len() > 5 {
        return None;
    }
    let value: u64 = std::str::from_utf8(significant).ok().filter(|s| !s.is_empty()).map_or(Ok(0), str::parse).ok()?;
    (value <= MAX_WORKLOAD_MS as u64).then_some(value)
}

pub fn worker(args: &[String]) -> Outcome {
    const ROLE: &str = "worker";
    let cli = kit::Cli::new(ROLE, WORKER)
        .endpoints("", "task PULL")
        .endpoints("sink-", "result PUSH")
        .endpoints("kill-", "kill SUB")
        .flag("wait-connected", "print the ready line only once every connect has completed its ZMTP handshake")
        .parse(args)?;
    if (cli.all("bind").is_empty() && cli.all("connect").is_empty())
        || (cli.all("sink-bind").is_empty() && cli.all("sink-connect").is_empty())
    {
        return Err(Failure::usage("needs the ventilator's (--connect) and the sink's (--sink-connect) endpoints"));
    }
    crate::runtime().block_on(async {
        kit::quit_on_stdin_eof();
        let mut tasks = PullSocket::new();
        let mut results = PushSocket::new();
        let mut kill = SubSocket::new();
        kill.subscribe("")
            .await
            .map_err(|e| Failure::fatal(format!("cannot subscribe: {e} ({})", kit::errno_of(&e))))?;
        let bound_tasks = kit::attach(&mut tasks, "", &cli.all("bind"), &cli.all("connect"), None).await?;
        let bound_results =
            kit::attach(&mut results, "sink-", &cli.all("sink-bind"), &cli.all("sink-connect"), None).await?;
        let (kill_binds, kill_connects) = (cli.all("kill-bind"), cli.all("kill-connect"));
        let bound_kill = if kill_binds.is_empty() && kill_connects.is_empty() {
            Vec::new()
        } else {
            kit::attach(&mut kill, "kill-", &kill_binds, &kill_connects, None).await?
        };
        kit::ready(&[("tasks", &bound_tasks), ("sink", &bound_results), ("kill", &bound_kill)]);
        loop {
            // The kill channel first: a kill that has arrived ends the worker before the next task.
            let task = tokio::select! {
                biased;
                signal = kill.recv() => {
                    match signal {
                        Ok(signal) if signal.len() == 1 && signal.get(0).is_some_and(|f| f.as_ref() == KILL) => {
                            return Ok(());
                        }
                        Ok(signal) if signal.len() > 1 => kit::warn(
                            ROLE,
                            &format!("ignoring a control message of {} frames (the kill signal is one frame)", signal.len()),
                        ),
                        Ok(signal) => kit::warn(
                            ROLE,
                            &format!("ignoring unknown control message {}", kit::shown(signal.get(0).expect("a frame"))),
                        ),
                        Err(e) => kit::warn(ROLE, &format!("a receive on the kill channel failed, going on: {e} ({})", kit::errno_of(&e))),
                    }
                    continue;
                }
                task = tasks.recv() => task,
            };
            let task = match task {
                Ok(task) => task,
                Err(e) => {
                    kit::warn(ROLE, &format!("a receive of a task failed, going on: {e} ({})", kit::errno_of(&e)));
                    continue;
                }
            };
            if task.len() > 1 {
                kit::warn(ROLE, &format!("skipping a task of {} frames (a task is one frame)", task.len()));
                continue;
            }
            let body = task.get(0).expect("a frame");
            let Some(cost) = workload_ms(body) else {
                kit::warn(
                    ROLE,
                    &format!(
                        "skipping a task that is not a workload of 0..{MAX_WORKLOAD_MS} ms in decimal digits: {}",
                        kit::shown(body)
                    ),
                );
                continue;
            };
            kit::say_bare(".");
            if cost > 0 {
                tokio::time::sleep(Duration::from_millis(cost)).await;
            }
            results
                .send(ZmqMessage::from(Vec::<u8>::new()))
                .await
                .map_err(|e| Failure::fatal(format!("cannot send a result: {e} ({})", kit::errno_of(&e))))?;
        }
    })
}

const SINK: &str = "sink: the seed's sink, with the kill signal (catalogue PP-1, PP-9). Binds a PULL socket for \
results and prints 'STARTING SERVER AT {port}'. Its first message is the task count N, 8 bytes big-endian; it \
prints 'GATHER {N} TASKS.', then one mark per result (':' for results 0, 10, 20, ..., '.' otherwise), then \
'ELAPSED TIME: {seconds:.2f}'. After exactly N results it publishes KILL on its PUB socket and exits 0. A first \
message that is not one frame of 8 bytes, and a result of several frames, are skipped with one line on stderr. \
zmq.rs has no MAXMSGSIZE: the results socket takes messages of any size.";

pub fn sink(args: &[String]) -> Outcome {
    const ROLE: &str = "sink";
    let cli = kit::Cli::new(ROLE, SINK).endpoints("", "result PULL").endpoints("kill-", "kill PUB").parse(args)?;
    crate::runtime().block_on(async {
        kit::quit_on_stdin_eof();
        let mut results = PullSocket::new();
        let mut kill = PubSocket::new();
        let bound_results =
            kit::attach(&mut results, "", &cli.all("bind"), &cli.all("connect"), Some(kit::DEFAULT_BIND)).await?;
        let bound_kill =
            kit::attach(&mut kill, "kill-", &cli.all("kill-bind"), &cli.all("kill-connect"), Some(kit::DEFAULT_BIND))
                .await?;
        let shown_at = bound_results.first().cloned().unwrap_or_else(|| cli.all("connect")[0].clone());
        kit::say(&format!("STARTING SERVER AT {}", kit::shown_port(&shown_at)));
        kit::ready(&[("results", &bound_results), ("kill", &bound_kill)]);

        // One message: Some(its frame) when it has one, None (said on stderr) otherwise.
        async fn one_frame(results: &mut PullSocket) -> Option<bytes::Bytes> {
            match results.recv().await {
                Ok(message) if message.len() == 1 => message.into_vec().pop(),
                Ok(message) => {
                    kit::warn(
                        ROLE,
                        &format!("ignoring a message of {} frames (the sink takes one-frame messages)", message.len()),
                    );
                    None
                }
                Err(e) => {
                    kit::warn(ROLE, &format!("a receive failed, going on: {e} ({})", kit::errno_of(&e)));
                    None
                }
            }
        }

        let tasks = loop {
            match one_frame(&mut results).await {
                Some(first) if first.len() == COUNT_BYTES => {
                    break u64::from_be_bytes(first.as_ref().try_into().expect("8 bytes"));
                }
                Some(first) => kit::warn(
                    ROLE,
                    &format!("ignoring a first message that is not {COUNT_BYTES} bytes (N): {}", kit::shown(&first)),
                ),
                None => {}
            }
        };
        kit::say(&format!("GATHER {tasks} TASKS."));
        let started = Instant::now();
        let mut gathered: u64 = 0;
        while gathered < tasks {
            if one_frame(&mut results).await.is_some() {
                kit::say_bare(if gathered % 10 == 0 { ":" } else { "." });
                gathered += 1;
            }
        }
        kit::say(&format!("\nELAPSED TIME: {:.2}", started.elapsed().as_secs_f64()));
        kill.send(ZmqMessage::from(KILL.to_vec()))
            .await
            .map_err(|e| Failure::fatal(format!("cannot publish KILL: {e} ({})", kit::errno_of(&e))))?;
        tokio::time::sleep(Duration::from_millis(kit::LINGER_MS)).await;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workload_is_ascii_digits_worth_0_to_60000() {
        assert_eq!(workload_ms(b"0"), Some(0));
        assert_eq!(workload_ms(b"060000"), Some(60000));
        assert_eq!(workload_ms(b"000"), Some(0));
        for bad in [&b"fast"[..], b"-5", b"1.5", b"", b"+5", b" 5 ", "\u{663}".as_bytes(), b"99999999999", b"60001"] {
            assert_eq!(workload_ms(bad), None, "{bad:?}");
        }
    }
}
