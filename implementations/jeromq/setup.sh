#!/bin/sh
# Make implementations/jeromq/classes: the node contract's roles compiled against JeroMQ 0.3.6,
# from two source trees, ../jeromq-common/src (the nodes both JeroMQ stacks share) and src/
# (what is 0.3.6's own: Jeromq.java, the adapter to its API, and Zmtp2Decoder.java),
# as one jar (zmqspec-jeromq.jar) and a class-data archive of what a node loads at start-up
# (zmqspec-jeromq.jsa; GUIDE.md, "Start-up"). Installs the toolchain first when it is missing
# (Debian/Ubuntu: apt-get, as root or through sudo).
# Idempotent and quiet: a second run with nothing changed does nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
common=$(cd "$here/../jeromq-common" && pwd)
classes="$here/classes"
jars="/usr/share/java/jeromq.jar:/usr/share/java/gson.jar"
packages="default-jdk-headless libjeromq-java libgoogle-gson-java"
# The manifest's JVM flags: the archive is only used by a JVM started the same way.
flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xlog:disable -Djava.net.preferIPv4Stack=true"

missing() {
    command -v javac >/dev/null 2>&1 && command -v jar >/dev/null 2>&1 &&
        [ -r /usr/share/java/jeromq.jar ] && [ -r /usr/share/java/gson.jar ] && return 1
    return 0
}

if missing; then
    command -v apt-get >/dev/null 2>&1 ||
        { echo "implementations/jeromq/setup.sh: error: no apt-get; install a JDK (17+), JeroMQ 0.3.6 and gson by hand" >&2; exit 1; }
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # a fresh image has no package lists: update only then
    if ! apt-cache show libjeromq-java >/dev/null 2>&1; then
        $sudo apt-get update -qq >/dev/null
    fi
    $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi

# Rebuilt when a source (of either tree), this script, a jar or the JDK changed (the archive is only
# valid for them).
stamp="$classes/.built"
java_now=$(java -version 2>&1 | head -n 1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$java_now" ] &&
   [ -z "$(find -L "$here/src" "$common/src" "$0" /usr/share/java/jeromq.jar /usr/share/java/gson.jar -newer "$stamp")" ]; then
    exit 0
fi
rm -rf "$classes"
mkdir -p "$classes/build"
# shellcheck disable=SC2046
javac -nowarn -encoding UTF-8 --release 17 -cp "$jars" -d "$classes/build" \
    $(find "$here/src" "$common/src" -name '*.java' | sort)
jar --create --file "$classes/zmqspec-jeromq.jar" -C "$classes/build" .
rm -rf "$classes/build"
# shellcheck disable=SC2086
java $flags -XX:ArchiveClassesAtExit="$classes/zmqspec-jeromq.jsa" \
    -cp "$jars:$classes/zmqspec-jeromq.jar" org.zmqspec.jeromq.Node --warmup </dev/null >/dev/null
echo "$java_now" >"$stamp"
