#!/usr/bin/env python3
"""D2, the race, as the suite meets it with zmq.rs's own nodes (PP-2, PP-4, MI-6 through PP-7;
RR-1, RR-5 through RR-8). Each try is one test's opening, in a loop, and the rate is printed:

  ventilator  a driver PULL binds as the sink; a ventilator (--sink-connect) binds its PUSH; a driver
              PULL (the worker seat) connects to it, and its connect returns; the sink gets N; Enter
              at the prompt: the first task must reach the seat (libzmq's PUSH blocks until a peer
              is attached). zmq.rs's bound PUSH may not have registered the seat yet: "Not connected
              to peers", the ventilator ends, the seat gets nothing.
  req         a driver REQ binds; a rep-server connects to it and prints its ready line; the REQ
              sends at once: it must be delivered (libzmq's REQ blocks until a peer is attached).
              zmq.rs's bound REQ may refuse it (EAGAIN, "Not connected to peers").

    python3 repro/node_races.py target/release/zmqrs-node [TRIES]    # from implementations/zmqrs

Exit status 1 when some try lost the race, 0 when none did. Every process it starts ends with it.
"""
import json
import os
import select
import subprocess
import sys
import time

WAIT = 10.0  # s: any single step that must happen


class Driver:
    """The node's driver role over its JSON-lines protocol (docs/contract.md section 5)."""

    def __init__(self, node: str):
        self.proc = subprocess.Popen([node, "driver"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.proc.stdout.readline()  # its hello
        self.seq = 0

    def __call__(self, **request) -> dict:
        self.seq += 1
        request["seq"] = self.seq
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def socket(self, kind: str) -> str:
        return self(cmd="socket", type=kind)["ok"]["socket"]

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(WAIT)


def start(node: str, *args: str) -> tuple[subprocess.Popen, dict]:
    """A role, and the endpoints of its ready line ``ZMQSPEC READY {...}``."""
    proc = subprocess.Popen([node, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    proc.seen, proc.pos = "", 0  # what it printed so far (read from the pipe's file descriptor), how far matched
    line = read_until(proc, "ZMQSPEC READY", "}\n")
    return proc, json.loads(line[line.index("ZMQSPEC READY") + len("ZMQSPEC READY"):].strip())


def read_until(proc: subprocess.Popen, *texts: str) -> str:
    """Read the role's stdout until each of ``texts`` has come, in order; return what was read."""
    end = time.monotonic() + WAIT
    start = at = proc.pos
    for text in texts:
        while (found := proc.seen.find(text, at)) < 0:
            ready, _, _ = select.select([proc.stdout.fileno()], [], [], max(0.0, end - time.monotonic()))
            chunk = os.read(proc.stdout.fileno(), 4096).decode() if ready else ""
            if not chunk:
                raise SystemExit(f"no {text!r} from the node: {proc.seen[start:]!r}")
            proc.seen += chunk
        at = found + len(text)
    proc.pos = at
    return proc.seen[start:at]


def stop(proc: subprocess.Popen) -> str:
    """End a role (its stdin closed, else SIGKILL) and return what it wrote on stderr."""
    try:
        proc.stdin.close()
    except BrokenPipeError:
        pass
    try:
        proc.wait(2)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return proc.stderr.read()


def ventilator_try(node: str, driver: Driver) -> str | None:
    """None when the seat got the first task, else what went wrong."""
    sink = driver.socket("PULL")
    sink_endpoint = driver(cmd="bind", socket=sink, endpoint="tcp://127.0.0.1:*")["ok"]["endpoint"]
    vent, endpoints = start(node, "ventilator", "--tasks", "4", "--cost-min", "1", "--cost-max", "2",
                            "--sink-connect", sink_endpoint)
    seat = driver.socket("PULL")
    try:
        driver(cmd="connect", socket=seat, endpoint=endpoints["tasks"][0])
        assert "ok" in driver(cmd="recv", socket=sink, timeout_ms=int(WAIT * 1000)), "the sink got no N"
        read_until(vent, "PRESS ENTER")
        vent.stdin.write("\n")
        vent.stdin.flush()
        got = driver(cmd="recv", socket=seat, timeout_ms=2000)
        return None if "ok" in got else f"the seat got no task ({got['error']['errno']})"
    finally:
        stderr = stop(vent)
        driver(cmd="close", socket=seat, linger_ms=0)
        driver(cmd="close", socket=sink, linger_ms=0)
        if "Not connected" in stderr:
            print("  the ventilator said:", stderr.strip().splitlines()[-1])


def req_try(node: str, driver: Driver) -> str | None:
    """None when the request went out and was answered, else what went wrong."""
    req = driver.socket("REQ")
    endpoint = driver(cmd="bind", socket=req, endpoint="tcp://127.0.0.1:*")["ok"]["endpoint"]
    server, _ = start(node, "rep-server", "--name", "B", "--connect", endpoint)
    try:
        sent = driver(cmd="send", socket=req, frames=["6869"], timeout_ms=2000)
        if "error" in sent:
            return f"the send failed: {sent['error']['errno']} {sent['error'].get('message', '')}"
        got = driver(cmd="recv", socket=req, timeout_ms=2000)
        return None if "ok" in got else f"no reply ({got['error']['errno']})"
    finally:
        stop(server)
        driver(cmd="close", socket=req, linger_ms=0)


def main() -> int:
    node = sys.argv[1]
    tries = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    driver = Driver(node)
    lost_any = False
    try:
        for name, one_try in (("ventilator", ventilator_try), ("req", req_try)):
            lost = 0
            for n in range(tries):
                problem = one_try(node, driver)
                if problem:
                    lost += 1
                    if lost == 1:
                        print(f"{name}, try {n}: {problem}")
            print(f"{name}: {lost} of {tries} tries lost the race")
            lost_any = lost_any or lost > 0
    finally:
        driver.close()
    print("DEVIATION: a bound zmq.rs socket refused a send to a peer whose connect had returned" if lost_any
          else "as the spec says: every send waited for (or found) its peer")
    return 1 if lost_any else 0


if __name__ == "__main__":
    sys.exit(main())
