#!/bin/sh
# Make implementations/jeromq-0.6/target: the node contract's roles built by Maven against
# JeroMQ 0.6.0 from Maven Central (every version pinned in pom.xml), from two source roots,
# ../jeromq-common/src (the nodes both JeroMQ stacks share) and src/main/java (what is 0.6's own:
# Jeromq.java, the adapter to its API), as one jar
# (target/zmqspec-jeromq06.jar, whose Class-Path names the jars Maven copies into target/lib/)
# and a class-data archive of what a node loads at start-up (target/zmqspec-jeromq06.jsa;
# README.md, "Start-up"). Installs a JDK and Maven first when they are missing (Debian/Ubuntu:
# apt-get, as root or through sudo). Maven keeps what it downloads in its own cache (~/.m2).
# Idempotent and quiet: a second run with nothing changed does nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target="$here/target"
me="implementations/jeromq-0.6/setup.sh"
# The manifest's JVM flags: the archive is only used by a JVM started the same way.
flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xlog:disable -Djava.net.preferIPv4Stack=true"

fail() {
    echo "$me: error: $*" >&2
    exit 1
}

if ! command -v javac >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || fail "no JDK or no Maven, and no apt-get: install a JDK (17+) and Maven by hand"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # a fresh image has no package lists: update only then
    if ! apt-cache show maven >/dev/null 2>&1; then
        $sudo apt-get update -qq >/dev/null || fail "apt-get update failed"
    fi
    $sudo apt-get install -y -qq --no-install-recommends default-jdk-headless maven >/dev/null ||
        fail "apt-get could not install default-jdk-headless and maven"
fi

# Rebuilt when a source (of either root), the pom, this script or the JDK changed (the archive is only
# valid for them).
stamp="$target/.built"
java_now=$(java -version 2>&1 | head -n 1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$java_now" ] && [ -f "$target/zmqspec-jeromq06.jsa" ] &&
   [ -z "$(find "$here/src" "$here/../jeromq-common/src" "$here/pom.xml" "$0" -newer "$stamp" | head -n 1)" ]; then
    exit 0
fi
rm -rf "$target"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! (cd "$here" && mvn -B -q package) >"$log" 2>&1; then
    cause=$(grep -m 1 -E '^\[ERROR\]' "$log" | sed 's/\x1b\[[0-9;]*m//g' || true)
    fail "mvn package failed: ${cause:-see 'cd implementations/jeromq-0.6 && mvn -B package'}"
fi
[ -r "$target/zmqspec-jeromq06.jar" ] && [ -r "$target/lib/jeromq-0.6.0.jar" ] ||
    fail "mvn package made no target/zmqspec-jeromq06.jar or target/lib/jeromq-0.6.0.jar"
# shellcheck disable=SC2086
java $flags -XX:ArchiveClassesAtExit="$target/zmqspec-jeromq06.jsa" \
    -jar "$target/zmqspec-jeromq06.jar" --warmup </dev/null >/dev/null ||
    fail "the warm-up run that writes the class-data archive failed"
echo "$java_now" >"$stamp"
