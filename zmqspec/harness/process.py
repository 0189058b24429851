"""One node as seen from the harness: a process, its output, its end.

Theory of operation
-------------------
The harness knows a node only by the contract (docs/contract.md): a command
line, standard input, standard output and an exit status. ``Node`` starts
the command in a process group of its own, with a pipe on each of the three
streams. Two reader threads copy stdout and stderr into memory as bytes
arrive and wake whoever is waiting; every wait is "until this predicate
holds on the output, or something that must never appear turns up, or the
node ends, or the deadline passes". Each wait takes ``never``: checks run
on every whole line as it arrives (``wrong_line``, ``no_ready_line``,
``never_matching``); the first line one of them objects to ends the wait
at once with ``WrongLine``, which shows the line seen beside what was
expected. A node that ends fails the wait at once too (unless its end is
what was awaited). Only when nothing wrong was seen does the deadline
decide: ``DeadlinePassed``, so a report can tell "caught by an assertion
on something seen" from "caught by a deadline". Every failure names the
node, what was awaited and shows the node's output. Nothing here sleeps to
synchronise.

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from zmqspec.harness.deadline import scaled
from zmqspec.contract import READY_PREFIX

_READY_LINE = re.compile(r"^" + re.escape(READY_PREFIX) + r"(.*)\n", re.MULTILINE)
SHOWN_OUTPUT = 6000


class NodeFailure(AssertionError):
    """A node did not do what a test waited for; the message says what and shows its output."""


class WrongLine(NodeFailure):
    """A line that must never appear did: the wait ended the moment it arrived."""


class DeadlinePassed(NodeFailure):
    """A wait ran out with nothing wrong seen: the awaited fact did not come in time.

    Its message starts with ``DEADLINE_MARK``, so reports (and the mutation tests) can tell a
    deadline from an assertion on something seen."""


DEADLINE_MARK = "deadline passed:"

# A check on one line of stdout: None when the line is fine, else why it must not be there.
LineCheck = Callable[[str], "str | None"]


def show_difference(expected: str, seen: str) -> str:
    """The expected line above the line seen, both as repr, with a caret under the first difference."""
    want, got = repr(expected), repr(seen)
    at = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
    return f"    expected {want}\n    seen     {got}\n             {' ' * at}^"


def wrong_line(prefix: str, expected: str | Iterable[str] | Callable[[str], bool], what: str = "") -> LineCheck:
    """Any line starting with ``prefix`` that is not ``expected`` (a line, several, or a test
    on the line) must never appear."""
    if isinstance(expected, str):
        allowed = (expected,)
        ok = allowed.__contains__
    elif callable(expected):
        allowed, ok = (), expected
    else:
        allowed = tuple(expected)
        ok = allowed.__contains__

    def check(line: str) -> str | None:
        if not line.startswith(prefix) or ok(line):
            return None
        if len(allowed) == 1:
            return f"a wrong {what or repr(prefix)} line:\n{show_difference(allowed[0], line)}"
        shown = ", ".join(map(repr, allowed[:6])) or "a line that passes the test's check"
        return f"a wrong {what or repr(prefix)} line {line!r}; expected one of {shown}"

    return check


def never_matching(pattern: str, what: str) -> LineCheck:
    """A line matching ``pattern`` (a regex searched in the line) must never appear."""
    regex = re.compile(pattern)
    return lambda line: f"{what}: {line!r}" if regex.search(line) else None


def no_ready_line() -> LineCheck:
    """The ready line must not appear (a node that must refuse its arguments)."""
    return lambda line: (f"a ready line where none may come: {line!r}"
                         if line.startswith(READY_PREFIX) else None)


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
        self._reaper = threading.Thread(target=self._reap, daemon=True)
        for thread in (*self._readers, self._reaper):
            thread.start()

    def _reap(self) -> None:
        """Wake every waiter when the process ends (a waiter must not learn it only by polling)."""
        self.proc.wait()
        with self._changed:
            self._changed.notify_all()

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
        pipe.close()  # at end of file: a test run keeps its nodes for the report, not their descriptors
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

    def _first_wrong(self, never: Iterable[LineCheck], scanned: int) -> tuple[int, str | None]:
        """Run the ``never`` checks on whole stdout lines from byte ``scanned``; (new offset, problem)."""
        data = self._out.data
        end = data.rfind(b"\n") + 1
        if not never or end <= scanned:
            return max(scanned, end), None
        for line in bytes(data[scanned:end]).decode("utf-8", "backslashreplace").split("\n")[:-1]:
            for check in never:
                if problem := check(line):
                    return end, problem
        return end, None

    def _wrong(self, what: str, problem: str) -> WrongLine:
        return WrongLine(f"{self.name}: while waiting for {what}, {problem}\n{self.describe()}")

    def _deadline(self, what: str, timeout: float) -> DeadlinePassed:
        return DeadlinePassed(
            f"{DEADLINE_MARK} {self.name}: {what} did not happen within {scaled(timeout):.1f} s\n{self.describe()}"
        )

    def wait_until(self, predicate, timeout: float, what: str, never: Iterable[LineCheck] = ()):
        """Wait until ``predicate(stdout_text)`` is truthy; return its value.

        Fails at once when a line that a ``never`` check objects to arrives (``WrongLine``; every
        whole line printed so far is checked, the earliest first) or the node ends; else when the
        deadline passes (``DeadlinePassed``)."""
        never = tuple(never)
        deadline = time.monotonic() + scaled(timeout)
        scanned = 0
        with self._changed:
            while True:
                scanned, problem = self._first_wrong(never, scanned)
                if problem:
                    raise self._wrong(what, problem)
                value = predicate(self._out.data.decode("utf-8", "backslashreplace"))
                if value:
                    return value
                if self._out.closed and self._err.closed or self.proc.poll() is not None and self._out.closed:
                    self.proc.wait()
                    raise NodeFailure(f"{self.name} ended ({self.status()}) before {what}\n{self.describe()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._deadline(what, timeout)
                self._changed.wait(remaining)

    def wait_for(self, pattern: str, timeout: float = 10.0, what: str | None = None,
                 never: Iterable[LineCheck] = ()) -> re.Match:
        """Wait until the complete lines of stdout match ``pattern`` (a MULTILINE regex); return the match.

        Only whole lines are searched, so ``$`` never matches a line still being written."""
        regex = re.compile(pattern, re.MULTILINE)

        def search(text: str) -> re.Match | None:
            return regex.search(text, 0, text.rfind("\n") + 1)

        return self.wait_until(search, timeout, what or f"stdout matched {pattern!r}", never)

    def wait_line(self, line: str, prefix: str, timeout: float = 10.0, what: str | None = None,
                  earlier: Iterable[str] = ()) -> None:
        """Wait for the exact stdout ``line``. Any other line starting with ``prefix`` (but the
        ``earlier`` lines, already expected) fails the wait as it arrives, shown beside ``line``."""
        allowed = {line, *earlier}

        def check(seen: str) -> str | None:
            if seen.startswith(prefix) and seen not in allowed:
                return f"a wrong {prefix.strip()!r} line:\n{show_difference(line, seen)}"
            return None

        self.wait_until(lambda text: line in text.split("\n")[:-1], timeout, what or f"the line {line!r}",
                        never=[check])

    def expect_lines(self, expected: list[str], timeout: float = 10.0, what: str | None = None,
                     start: int = 0) -> list[str]:
        """Wait for the role's own lines (the ready line left out) ``start``, ``start + 1``, ... to be
        ``expected``, comparing each line as it arrives: the first that differs fails at once,
        shown beside the expected one. Returns the lines."""
        what = what or f"the lines {expected}"

        def check(text: str):
            lines = [line for line in text.split("\n")[:-1] if not line.startswith(READY_PREFIX)][start:]
            for index, (want, seen) in enumerate(zip(expected, lines)):
                if want != seen:
                    raise self._wrong(what, f"line {start + index + 1} of its output differs:\n"
                                            f"{show_difference(want, seen)}")
            return lines[:len(expected)] if len(lines) >= len(expected) else None

        return self.wait_until(check, timeout, what)

    def check_lines(self, never: Iterable[LineCheck], what: str) -> None:
        """Run ``never`` checks on every whole line printed so far: ``WrongLine`` on the first that objects."""
        with self._changed:
            _, problem = self._first_wrong(tuple(never), 0)
        if problem:
            raise self._wrong(what, problem)

    def wait_ready(self, timeout: float = 10.0, never: Iterable[LineCheck] = ()) -> dict[str, list[str]]:
        match = self.wait_until(_READY_LINE.search, timeout, "the ready line", never)
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
                    raise self._deadline(what, timeout)
                self._changed.wait(remaining)

    def endpoint(self, socket: str, index: int = 0) -> str:
        try:
            return self.endpoints[socket][index]
        except (KeyError, IndexError):
            raise NodeFailure(
                f"{self.name} reported no bound endpoint {index} for socket {socket!r}; "
                f"its ready line gave {self.endpoints}"
            ) from None

    def wait_exit(self, timeout: float = 10.0, never: Iterable[LineCheck] = ()) -> int:
        """Wait for the node to end by itself; return its exit status.

        A line a ``never`` check objects to (e.g. ``no_ready_line()`` for a node that must refuse
        its arguments) fails the wait as soon as it arrives. A node still running at the deadline
        fails with "still running": that it has not ended is what was seen."""
        never = tuple(never)
        deadline = time.monotonic() + scaled(timeout)
        scanned = 0
        with self._changed:
            while True:
                scanned, problem = self._first_wrong(never, scanned)
                if problem:
                    raise self._wrong("its end", problem)
                if self.proc.poll() is not None:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise NodeFailure(
                        f"{self.name} was still running {scaled(timeout):.1f} s after it should have ended\n"
                        f"{self.describe()}"
                    )
                self._changed.wait(remaining)
        for reader in self._readers:
            reader.join(scaled(timeout))
        with self._changed:
            _, problem = self._first_wrong(never, scanned)
        if problem:
            raise self._wrong("its end", problem)
        return self.proc.returncode

    def wait_refusal(self, timeout: float = 10.0) -> int:
        """Wait for a node that must refuse its arguments to end; fail as soon as it prints a ready line."""
        return self.wait_exit(timeout, never=[no_ready_line()])

    def still_running(self, what: str) -> None:
        """Fail unless the node is running and has not begun to end (its stdout still open)."""
        with self._changed:
            ended = self.proc.poll() is not None or self._out.closed
        if ended:
            self.proc.wait()
            raise NodeFailure(f"{self.name} ended ({self.status()}): {what}\n{self.describe()}")

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
