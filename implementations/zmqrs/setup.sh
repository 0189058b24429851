#!/bin/sh
# Build implementations/zmqrs: the node contract's eleven roles on zmq.rs (the crate `zeromq`,
# pinned in Cargo.toml and Cargo.lock), as one release binary, target/release/zmqrs-node.
# Idempotent and quiet: a second run with nothing changed returns at once (a stamp of the sources,
# the lock file and the compiler). On failure: one line on stderr, the build log kept, exit 1.
# CARGO_BUILD_JOBS defaults to 2 (the shared 2-core machines this runs on).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
name="implementations/zmqrs/setup.sh"
binary="$here/target/release/zmqrs-node"
stamp="$here/target/.zmqspec-stamp"
log="$here/target/setup.log"

command -v cargo >/dev/null 2>&1 ||
    { echo "$name: error: no cargo on PATH; install Rust 1.89 or later (rustup.rs), then run this again" >&2; exit 1; }

state=$( (rustc --version; cat "$here/Cargo.toml" "$here/Cargo.lock" "$here/build.rs" $(find "$here/src" -name '*.rs' | sort)) |
    cksum)
if [ -x "$binary" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$state" ]; then
    exit 0
fi
mkdir -p "$here/target"
if ! CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}" cargo build --release --locked --quiet \
        --manifest-path "$here/Cargo.toml" >"$log" 2>&1; then
    echo "$name: error: cargo build failed; its output is in $log" >&2
    exit 1
fi
echo "$state" >"$stamp"
