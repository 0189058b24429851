//! PUB-SUB roles: weather-pub (PS-1, PS-2), weather-sub (PS-6), sync-pub and sync-sub (PS-11).

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zeromq::prelude::*;
use zeromq::{PubSocket, RepSocket, ReqSocket, SubSocket, ZmqMessage};

use crate::kit::{self, Failure, Outcome};

const SEQ_MODULUS: i64 = 1_000_000;
const HELLO: &[u8] = b"HELLO";
const END: &[u8] = b"END";
const HELLO_INTERVAL: Duration = Duration::from_millis(10);

fn rng(seed: Option<i64>) -> StdRng {
    match seed {
        Some(seed) => StdRng::seed_from_u64(seed as u64),
        None => StdRng::from_entropy(),
    }
}

fn seed_of(cli: &kit::Cli) -> Result<Option<i64>, Failure> {
    if cli.has("seed") {
        Ok(Some(cli.integer("seed", 0, i64::MIN, i64::MAX)?))
    } else {
        Ok(None)
    }
}

/// `f"{zipcode:05d} {temp:-3d} {hum:-2d} {seq:06d}"`: zipcode uniform in zip_min..=zip_max,
/// temperature in -80..=134, humidity in 10..=59.
fn update(rng: &mut StdRng, seq: i64, zip_min: i64, zip_max: i64) -> String {
    let zipcode = rng.gen_range(zip_min..=zip_max);
    let temp = rng.gen_range(-80..=134);
    let hum = rng.gen_range(10..=59);
    format!("{zipcode:05} {temp:>3} {hum:>2} {seq:06}")
}

const WEATHER_PUB: &str = "weather-pub: the seed's weather publisher (catalogue PS-1, PS-2). Publishes \
'{zipcode:05d} {temp:-3d} {hum:-2d} {seq:06d}' with zipcode in 1..99999, temperature in -80..134, humidity in \
10..59; seq counts up from --first-seq and wraps to 0 after 999999. It never waits for subscribers. zmq.rs has no \
SNDHWM: --sndhwm is taken, said on stderr, and the PUB keeps zmq.rs's fixed queue (100000 messages a subscriber).";

pub fn weather_pub(args: &[String]) -> Outcome {
    const ROLE: &str = "weather-pub";
    let cli = kit::Cli::new(ROLE, WEATHER_PUB)
        .endpoints("", "PUB")
        .value("count", "N", "stop after this many updates (default 0: never stop)")
        .value("rate", "R", "at most this many updates a second (default 0: as fast as possible)")
        .value("zip-min", "Z", "smallest zipcode (default 1)")
        .value("zip-max", "Z", "largest zipcode (default 99999)")
        .value("first-seq", "S", "the seq of the first update (default 0)")
        .value("seed", "S", "seed the random updates, for a repeatable stream")
        .value("sndhwm", "N", "the PUB socket's send high-water mark (zmq.rs has none: said on stderr)")
        .parse(args)?;
    let count = cli.integer("count", 0, 0, i64::MAX)?;
    let rate = cli.integer("rate", 0, 0, i64::MAX)?;
    let zip_min = cli.integer("zip-min", 1, i64::MIN, i64::MAX)?;
    let zip_max = cli.integer("zip-max", 99999, i64::MIN, i64::MAX)?;
    let first_seq = cli.integer("first-seq", 0, 0, i64::MAX)?;
    let seed = seed_of(&cli)?;
    let sndhwm = if cli.has("sndhwm") { Some(cli.integer("sndhwm", 0, 0, i64::MAX)?) } else { None };
    if !(1 <= zip_min && zip_min <= zip_max && zip_max <= 99999) {
        return Err(Failure::usage("need 1 <= --zip-min <= --zip-max <= 99999"));
    }
    crate::runtime().block_on(async {
        kit::quit_on_stdin_eof();
        let mut sock = PubSocket::new();
        if let Some(mark) = sndhwm {
            kit::warn(
                ROLE,
                &format!("zmq.rs 0.7.0 has no SNDHWM option: --sndhwm {mark} is not set (its PUB keeps up to 100000 messages a subscriber)"),
            );
        }
        let bound = kit::attach(&mut sock, "", &cli.all("bind"), &cli.all("connect"), Some(kit::DEFAULT_BIND)).await?;
        kit::ready(&[("pub", &bound)]);
        let mut rng = rng(seed);
        let period = if rate > 0 { Some(Duration::from_secs_f64(1.0 / rate as f64)) } else { None };
        let mut next_at = tokio::time::Instant::now();
        let mut seq = first_seq % SEQ_MODULUS;
        let mut sent: i64 = 0;
        while count == 0 || sent < count {
            let text = update(&mut rng, seq, zip_min, zip_max);
            if let Err(e) = sock.send(ZmqMessage::from(text)).await {
                return Err(Failure::fatal(format!("cannot publish: {e} ({})", kit::errno_of(&e))));
            }
            seq = (seq + 1) % SEQ_MODULUS;
            sent += 1;
            match period {
                Some(period) => {
                    next_at += period;
                    tokio::time::sleep_until(next_at).await;
                }
                None if sent % 256 == 0 => tokio::task::yield_now().await,
                None => {}
            }
        }
        tokio::time::sleep(Duration::from_millis(kit::LINGER_MS)).await;
        Ok(())
    })
}

const WEATHER_SUB: &str = "weather-sub: the seed's weather subscriber (catalogue PS-6). Subscribes with a zipcode \
prefix (default 10001), prints 'RECEIVED: {msg}' for each of --count updates (default 50), then 'AVERAGE \
TEMPERATURE FOR {zipcode}: {avg:+.2f}' and exits 0. A message that is not one frame 'zipcode temp hum seq' (the \
last three integers) is skipped with one line on stderr: neither printed nor counted.";

/// (zipcode, temperature) of an update: one frame of four whitespace-separated fields, the
/// temperature and humidity signed decimal integers, seq decimal digits.
fn parse_update(text: &str) -> Option<(String, i64)> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    let [zipcode, temp, hum, seq] = fields.as_slice() else { return None };
    let signed = |f: &str| {
        let digits = f.strip_prefix(['+', '-']).unwrap_or(f);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if !signed(temp) || !signed(hum) || seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((zipcode.to_string(), temp.parse().ok()?))
}

pub fn weather_sub(args: &[String]) -> Outcome {
    const ROLE: &str = "weather-sub";
    let cli = kit::Cli::new(ROLE, WEATHER_SUB)
        .endpoints("", "SUB")
        .value("filter", "PREFIX", "the zipcode prefix to subscribe to (default 10001; '' for all)")
        .value("count", "N", "how many updates to average (default 50)")
        .parse(args)?;
    let filter = cli.text("filter", "10001");
    let count = cli.integer("count", 50, 1, i64::MAX)?;
    crate::runtime().block_on(async {
        kit::quit_on_stdin_eof();
        let mut sock = SubSocket::new();
        sock.subscribe(&filter)
            .await
            .map_err(|e| Failure::fatal(format!("cannot subscribe: {e} ({})", kit::errno_of(&e))))?;
        let bound = kit::attach(&mut sock, "", &cli.all("bind"), &cli.all("connect"), None).await?;
        kit::ready(&[("sub", &bound)]);
        let mut total: i64 = 0;
        let mut zipcode = String::new();
        let mut counted = 0;
        while counted < count {
            let frames = match sock.recv().await {
                Ok(message) => message.into_vec(),
                Err(e) => {
                    kit::warn(ROLE, &format!("a receive failed, going on: {e} ({})", kit::errno_of(&e)));
                    continue;
                }
            };
            let text = kit::decode(&frames[0]);
            let parsed = if frames.len() == 1 { parse_update(&text) } else { None };
            let Some((zip, temp)) = parsed else {
                let what =
                    if frames.len() > 1 { format!("{} frames", frames.len()) } else { kit::shown(&frames[0]) };
                kit::warn(ROLE, &format!("skipping a message that is not a weather update 'zipcode temp hum seq': {what}"));
                continue;
            };
            kit::say(&format!("RECEIVED: {text}"));
            zipcode = zip;
            total += temp;
            counted += 1;
        }
        kit::say(&format!("AVERAGE TEMPERATURE FOR {zipcode}: {:+.2}", total as f64 / count as f64));
        Ok(())
    })
}

const SYNC_PUB: &str = "sync-pub: a publisher that waits for its subscribers (catalogue PS-11). Until --subscribers \
requests have arrived on its sync REP it publishes HELLO every 10 ms and answers each with an empty reply; then it \
prints 'SUBSCRIBERS READY: {N}', publishes --count weather updates and END, prints 'PUBLISHED {M} UPDATES' and \
exits 0. zmq.rs has no SNDHWM to lift: its PUB keeps up to 100000 messages a subscriber.";

pub fn sync_pub(args: &[String]) -> Outcome {
    const ROLE: &str = "sync-pub";
    let cli = kit::Cli::new(ROLE, SYNC_PUB)
        .endpoints("", "PUB")
        .endpoints("sync-", "sync REP")
        .value("subscribers", "N", "how many subscribers to wait for (required)")
        .value("count", "M", "how many updates to publish (default 1000)")
        .value("seed", "S", "seed the random updates")
        .parse(args)?;
    if !cli.has("subscribers") {
        return Err(Failure::usage("the following arguments are required: --subscribers"));
    }
    let subscribers = cli.integer("subscribers", 1, 1, i64::MAX)?;
    let count = cli.integer("count", 1000, 0, i64::MAX)?;
    let seed = seed_of(&cli)?;
    crate::runtime().block_on(async {
        kit::quit_on_stdin_eof();
        let mut publisher = PubSocket::new();
        let mut sync = RepSocket::new();
        let bound_pub =
            kit::attach(&mut publisher, "", &cli.all("bind"), &cli.all("connect"), Some(kit::DEFAULT_BIND)).await?;
        let bound_sync =
            kit::attach(&mut sync, "sync-", &cli.all("sync-bind"), &cli.all("sync-connect"), Some(kit::DEFAULT_BIND))
                .await?;
        kit::ready(&[("pub", &bound_pub), ("sync", &bound_sync)]);
        let mut synced = 0;
        while synced < subscribers {
            match tokio::time::timeout(HELLO_INTERVAL, sync.recv()).await {
                Ok(Ok(_)) => {
                    sync.send(ZmqMessage::from(Vec::<u8>::new())).await.map_err(|e| {
                        Failure::fatal(format!("cannot answer a sync request: {e} ({})", kit::errno_of(&e)))
                    })?;
                    synced += 1;
                }
                Ok(Err(e)) => kit::warn(ROLE, &format!("a receive failed, going on: {e} ({})", kit::errno_of(&e))),
                Err(_) => {
                    let _ = publisher.send(ZmqMessage::from(HELLO.to_vec())).await;
                }
            }
        }
        kit::say(&format!("SUBSCRIBERS READY: {synced}"));
        let mut rng = rng(seed);
        for seq in 0..count {
            let text = update(&mut rng, seq % SEQ_MODULUS, 1, 99999);
            publisher
                .send(ZmqMessage::from(text))
                .await
                .map_err(|e| Failure::fatal(format!("cannot publish: {e} ({})", kit::errno_of(&e))))?;
            if seq % 256 == 255 {
                tokio::task::yield_now().await;
            }
        }
        publisher
            .send(ZmqMessage::from(END.to_vec()))
            .await
            .map_err(|e| Failure::fatal(format!("cannot publish END: {e} ({})", kit::errno_of(&e))))?;
        kit::say(&format!("PUBLISHED {count} UPDATES"));
        tokio::time::sleep(Duration::from_millis(kit::LINGER_MS)).await;
        Ok(())
    })
}

const SYNC_SUB: &str = "sync-sub: a subscriber that tells sync-pub it is listening (catalogue PS-11). It subscribes \
to everything, waits for the first HELLO, sends an empty request on its sync REQ and waits for the reply, then \
counts every message other than HELLO until END and prints 'RECEIVED {n} UPDATES'. A message of more than one \
frame is skipped with one line on stderr and not counted.";

pub fn sync_sub(args: &[String]) -> Outcome {
    const ROLE: &str = "sync-sub";
    let cli = kit::Cli::new(ROLE, SYNC_SUB).endpoints("", "SUB").endpoints("sync-", "sync REQ").parse(args)?;
    crate::runtime().block_on(async {
        kit::quit_on_stdin_eof();
        let mut sub = SubSocket::new();
        let mut sync = ReqSocket::new();
        sub.subscribe("")
            .await
            .map_err(|e| Failure::fatal(format!("cannot subscribe: {e} ({})", kit::errno_of(&e))))?;
        let bound_sub = kit::attach(&mut sub, "", &cli.all("bind"), &cli.all("connect"), None).await?;
        let bound_sync = kit::attach(&mut sync, "sync-", &cli.all("sync-bind"), &cli.all("sync-connect"), None).await?;
        kit::ready(&[("sub", &bound_sub), ("sync", &bound_sync)]);
        // The next message, if it is one frame; None (said on stderr) if it has more.
        async fn one_frame(sub: &mut SubSocket) -> Option<Vec<u8>> {
            match sub.recv().await {
                Ok(message) if message.len() == 1 => Some(message.into_vec().remove(0).to_vec()),
                Ok(message) => {
                    kit::warn(ROLE, &format!("skipping a message of {} frames (an update is one frame)", message.len()));
                    None
                }
                Err(e) => {
                    kit::warn(ROLE, &format!("a receive failed, going on: {e} ({})", kit::errno_of(&e)));
                    None
                }
            }
        }
        while one_frame(&mut sub).await.as_deref() != Some(HELLO) {}
        sync.send(ZmqMessage::from(Vec::<u8>::new()))
            .await
            .map_err(|e| Failure::fatal(format!("cannot report in: {e} ({})", kit::errno_of(&e))))?;
        sync.recv()
            .await
            .map_err(|e| Failure::fatal(format!("no answer to the sync request: {e} ({})", kit::errno_of(&e))))?;
        let mut updates: u64 = 0;
        loop {
            match one_frame(&mut sub).await {
                Some(message) if message == END => break,
                Some(message) if message == HELLO => {}
                Some(_) => updates += 1,
                None => {}
            }
        }
        kit::say(&format!("RECEIVED {updates} UPDATES"));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_look_like_the_seeds() {
        let mut rng = StdRng::seed_from_u64(1);
        for seq in 0..1000 {
            let text = update(&mut rng, seq, 1, 99999);
            assert_eq!(text.len(), 5 + 1 + 3 + 1 + 2 + 1 + 6, "{text:?}");
            assert!(parse_update(&text).is_some(), "{text:?}");
        }
        assert_eq!(format!("{:05} {:>3} {:>2} {:06}", 7, -5, 10, 3), "00007  -5 10 000003");
    }

    #[test]
    fn only_four_fields_of_the_right_kind_are_an_update() {
        assert_eq!(parse_update("10001  -5 20 000001"), Some(("10001".into(), -5)));
        for bad in ["10001 warm 20 000001", "10001 20 30", "10001 20 30 000001 extra", "10001", "10001 20 30 -1"] {
            assert_eq!(parse_update(bad), None, "{bad:?}");
        }
    }
}
