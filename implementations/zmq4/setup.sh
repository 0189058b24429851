#!/bin/sh
# Build implementations/zmq4/bin/zmq4node: zmqspec's node contract on go-zeromq/zmq4 v0.17.0 (pure
# Go, no libzmq), pinned by go.mod and go.sum; the Go toolchain fetches the modules through its
# module proxy on the first build.
# Idempotent and quiet: a second run with nothing changed (sources, go.mod, go.sum, this script,
# the Go toolchain) returns at once. One line on stderr and a non-zero exit on failure.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/bin/zmq4node"
stamp="$here/bin/.built"

command -v go >/dev/null 2>&1 ||
    { echo "implementations/zmq4/setup.sh: error: no Go toolchain (go) on PATH; install Go 1.22 or later" >&2; exit 1; }
go_now=$(go version)
if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$go_now" ] &&
   [ -z "$(find "$here" -path "$here/bin" -prune -o \( -name '*.go' -o -name go.mod -o -name go.sum -o -name setup.sh \) -newer "$stamp" -print)" ]; then
    exit 0
fi
mkdir -p "$here/bin"
log="$here/bin/build.log"
# -mod=readonly: go.sum is the lock file; a build that would change it fails instead.
if ! (cd "$here" && go build -mod=readonly -trimpath -ldflags="-s -w" -o "$bin.tmp" .) >"$log" 2>&1; then
    echo "implementations/zmq4/setup.sh: error: go build failed: $(grep -v '^#' "$log" | head -n 1) (all of it in $log)" >&2
    exit 1
fi
mv "$bin.tmp" "$bin"
rm -f "$log"
echo "$go_now" >"$stamp"
