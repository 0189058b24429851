"""One node as seen from the harness: a process, its output, its end.

Theory of operation
-------------------
The harness knows a node only by the contract (docs/contract.md): a command
line, standard input, standard output and an exit status. ``Node`` starts
the command in a process group of its own, with a pipe on each of the three
streams. Two reader threads copy stdout and stderr into memory as bytes
arrive and wake whoever is waiting; every wait is "until this predicate
holds on the output, or the node ends, or the deadline passes", and the
last two fail with a message that names the node, what was awaited, and
shows the node's output. Nothing here sleeps to synchronise.

``stop()`` ends the whole process group: SIGTERM, a grace period, then
SIGKILL. The node's stdin pipe is closed first, which the contract tells a
node to take as "quit", so well-behaved nodes are usually gone before any
signal is sent.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

from zmqspec.harness.deadline import scaled
from zmqspec.contract import READY_PREFIX

_READY_LINE = re.compile(r"^" + re.escape(READY_PREFIX) + r"(.*)\n", re.MULTILINE)
SHOWN_OUTPUT = 6000


class NodeFailure(AssertionError):
    """A node did not do what a test waited for; the message says what and shows its output."""


@dataclass
class _Stream:
    data: bytearray = field(default_factory=bytearray)
    closed: bool = False


class Node:
    def __init__(self, role: str, argv: list[str], label: str, env: dict | None = None, cwd: str | None = None):
        self.role, self.argv, self.label = role, list(argv), label
        self.endpoints: dict[str, list[str]] = {}
        self._changed = threading.Condition()
        self._out, self._err = _Stream(), _Stream()
        self._cursor = 0  # stdout bytes already handed out by read_line()
        self.started = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                start_new_session=True, env=env, cwd=cwd, bufsize=0,
            )
        except OSError as exc:
            raise NodeFailure(f"{self.name}: cannot run {self.argv[0]!r}: {exc.strerror}") from None
        self._readers = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self._out), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self._err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @property
    def name(self) -> str:
        return f"{self.role} {self.label!r}" if self.label != self.role else self.role

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _pump(self, pipe, stream: _Stream) -> None:
        while chunk := pipe.read1(65536) if hasattr(pipe, "read1") else pipe.read(65536):
            with self._changed:
                stream.data += chunk
                self._changed.notify_all()
        with self._changed:
            stream.closed = True
            self._changed.notify_all()

    # -- what the node said ------------------------------------------------

    @property
    def stdout(self) -> str:
        """Everything the node printed on stdout so far."""
        with self._changed:
            return self._out.data.decode("utf-8", "backslashreplace")

    @property
    def stderr(self) -> str:
        with self._changed:
            return self._err.data.decode("utf-8", "backslashreplace")

    @property
    def output(self) -> str:
        """stdout after the ready line: what the role printed while it worked."""
        text = self.stdout
        match = _READY_LINE.search(text)
        return text[match.end():] if match else text

    def lines(self) -> list[str]:
        """Whole lines of stdout (the ready line included)."""
        text = self.stdout
        return text.split("\n")[:-1]

    # -- waiting on facts --------------------------------------------------

    def wait_until(self, predicate, timeout: float, what: str):
        """Wait until ``predicate(stdout_text)`` is truthy; return its value."""
        deadline = time.monotonic() + scaled(timeout)
        with self._changed:
            while True:
                value = predicate(self._out.data.decode("utf-8", "backslashreplace"))
                if value:
                    return value
                if self._out.closed and self._err.closed:
                    self.proc.wait()
                    raise NodeFailure(f"{self.name} ended ({self.status()}) before {what}\n{self.describe()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise NodeFailure(
                        f"{self.name}: {what} did not happen within {scaled(timeout):.1f} s\n{self.describe()}"
                    )
                self._changed.wait(remaining)

    def wait_for(self, pattern: str, timeout: float = 10.0, what: str | None = None) -> re.Match:
        """Wait until the complete lines of stdout match ``pattern`` (a MULTILINE regex); return the match.

        Only whole lines are searched, so ``$`` never matches a line still being written."""
        regex = re.compile(pattern, re.MULTILINE)

        def search(text: str) -> re.Match | None:
            return regex.search(text, 0, text.rfind("\n") + 1)

        return self.wait_until(search, timeout, what or f"stdout matched {pattern!r}")

    def wait_ready(self, timeout: float = 10.0) -> dict[str, list[str]]:
        match = self.wait_until(_READY_LINE.search, timeout, "the ready line")
        try:
            endpoints = json.loads(match.group(1))
        except json.JSONDecodeError as exc:
            raise NodeFailure(f"{self.name}: the ready line is not JSON ({exc})\n{self.describe()}") from None
        if not isinstance(endpoints, dict):
            raise NodeFailure(f"{self.name}: the ready line's JSON is not an object\n{self.describe()}")
        self.endpoints = endpoints
        with self._changed:
            self._cursor = len(self.stdout[:match.end()].encode())
        self.ready_after = time.monotonic() - self.started
        return endpoints

    def read_line(self, timeout: float, what: str) -> str:
        """The next whole stdout line after the last one read (or the ready line)."""
        deadline = time.monotonic() + scaled(timeout)
        with self._changed:
            while True:
                end = self._out.data.find(b"\n", self._cursor)
                if end >= 0:
                    line = bytes(self._out.data[self._cursor:end])
                    self._cursor = end + 1
                    return line.decode("utf-8", "backslashreplace")
                if self._out.closed:
                    self.proc.wait()
                    raise NodeFailure(f"{self.name} ended ({self.status()}) before {what}\n{self.describe()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise NodeFailure(
                        f"{self.name}: {what} did not happen within {scaled(timeout):.1f} s\n{self.describe()}"
                    )
                self._changed.wait(remaining)

    def endpoint(self, socket: str, index: int = 0) -> str:
        try:
            return self.endpoints[socket][index]
        except (KeyError, IndexError):
            raise NodeFailure(
                f"{self.name} reported no bound endpoint {index} for socket {socket!r}; "
                f"its ready line gave {self.endpoints}"
            ) from None

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the node to end by itself; return its exit status."""
        try:
            code = self.proc.wait(scaled(timeout))
        except subprocess.TimeoutExpired:
            raise NodeFailure(
                f"{self.name} was still running {scaled(timeout):.1f} s after it should have ended\n{self.describe()}"
            ) from None
        for reader in self._readers:
            reader.join(scaled(timeout))
        return code

    def rss(self) -> int:
        """Resident memory of the node in bytes: its process and every descendant (psutil), 0 once
        it has ended."""
        import psutil

        try:
            root = psutil.Process(self.proc.pid)
            total = 0
            for process in [root, *root.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            return total
        except psutil.NoSuchProcess:
            return 0

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def status(self) -> str:
        code = self.proc.poll()
        if code is None:
            return "running"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit status {code}"

    # -- talking to it -----------------------------------------------------

    def send_line(self, text: str) -> None:
        try:
            self.proc.stdin.write(text.encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise NodeFailure(f"{self.name} no longer reads its input ({self.status()})\n{self.describe()}") from None

    def close_stdin(self) -> None:
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass

    def signal(self, signum: int) -> None:
        if self.running:
            os.killpg(self.proc.pid, signum)

    def stop(self, grace: float = 3.0) -> None:
        """End the node and everything in its process group; reap it."""
        self.close_stdin()
        if self.running:
            try:
                self.proc.wait(0.2 if grace else 0)
            except subprocess.TimeoutExpired:
                pass
        for signum, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(self.proc.pid, signum)
            except (ProcessLookupError, PermissionError):
                break
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        self.proc.wait()
        for reader in self._readers:
            reader.join(2.0)

    # -- reporting ---------------------------------------------------------

    def describe(self, limit: int = SHOWN_OUTPUT) -> str:
        def tail(text: str) -> str:
            if len(text) <= limit:
                return text
            return f"[... {len(text) - limit} characters before this ...]\n" + text[-limit:]

        out, err = self.stdout, self.stderr
        lines = [f"--- node {self.name}: pid {self.pid}, {self.status()}", "    $ " + " ".join(self.argv)]
        lines.append("    stdout:" + ("\n" + tail(out) if out else " (nothing)"))
        lines.append("    stderr:" + ("\n" + tail(err) if err else " (nothing)"))
        return "\n".join(lines)
