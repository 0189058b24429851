"""sink: the seed's sink, with the kill signal (catalogue PP-1, PP-9).

Binds a PULL socket for results and prints ``STARTING SERVER AT {port}``.
Its first message is the task count N, 8 bytes big-endian; it prints
``GATHER {N} TASKS.``, then one character per result (``:`` for results
0, 10, 20, ..., ``.`` otherwise), then ``ELAPSED TIME: {seconds:.2f}`` on a
line of its own. After exactly N results it publishes ``KILL`` on its PUB
socket (the workers' kill signal) and exits 0.

Malformed input is ignored with one line on stderr, and the sink goes on: a
first message that is not one frame of 8 bytes (it waits for one that is),
a result of more than one frame (not counted; any one-frame message is a
result). Its PULL socket refuses messages over 64 KiB (ZMQ_MAXMSGSIZE: the
library drops the sender's connection; the sink never sees them).
"""

from __future__ import annotations

import time

from zmqspec.roles import _kit

ROLE = "sink"
KILL = b"KILL"
COUNT_BYTES = 8
MAX_MESSAGE_BYTES = 64 * 1024  # ZMQ_MAXMSGSIZE of the results socket
SHOWN_BYTES = 40
TEN_MARKS = ":" + "." * 9  # the marks of ten results in a row, from a multiple of ten


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    return _kit.run(ROLE, lambda: gather(args))


def shown_port(endpoint: str) -> str:
    transport, _, address = endpoint.partition("://")
    return address.rpartition(":")[2] if transport == "tcp" else endpoint


def mark(result_no: int) -> str:
    return ":" if result_no % 10 == 0 else "."


def marks(first: int, count: int) -> str:
    """The marks of results first .. first+count-1, as ``mark`` gives them, made in one go."""
    offset = first % 10
    return (TEN_MARKS * ((offset + count) // 10 + 1))[offset:offset + count]


def shown(data: bytes) -> str:
    """Bytes as a stderr line shows them: the first few, and the size when cut."""
    if len(data) <= SHOWN_BYTES:
        return repr(data)
    return f"{data[:SHOWN_BYTES]!r}... ({len(data)} bytes)"


def one_frame(sock, flags: int = 0) -> bytes | None:
    """Receive one message: its frame, or None (said on stderr) when it has more than one."""
    import zmq

    frame = sock.recv(flags)
    if not sock.get(zmq.RCVMORE):  # get(), not the attribute: this runs once per result
        return frame
    skip_the_rest(sock)
    return None


def skip_the_rest(sock) -> None:
    """Take the other frames of a message whose first frame was received, saying so on stderr."""
    frames = 1 + len(sock.recv_multipart())
    _kit.warn(ROLE, f"ignoring a message of {frames} frames (the sink takes one-frame messages)")


def task_count(results) -> int:
    """The first message: N as 8 bytes big-endian. Anything else is ignored, and the sink waits on."""
    while (first := one_frame(results)) is None or len(first) != COUNT_BYTES:
        if first is not None:
            _kit.warn(ROLE, f"ignoring a first message that is not {COUNT_BYTES} bytes (N): {shown(first)}")
    return int.from_bytes(first, "big")


def gather_queued(results, gathered: int, tasks: int) -> int:
    """Wait for one result, take every other one already queued (up to N), print their marks.

    The marks of one batch are written at once, before the sink waits again."""
    import zmq

    first = gathered
    flags = 0  # the first receive of a batch waits; the others take only what is queued
    while gathered < tasks:
        try:
            results.recv(flags)
        except zmq.Again:
            break
        flags = zmq.NOBLOCK
        if results.get(zmq.RCVMORE):  # one_frame's check, without a call per result
            skip_the_rest(results)
            continue
        gathered += 1
    _kit.say(marks(first, gathered - first), end="")
    return gathered


def gather(args) -> int:
    import zmq

    ctx = _kit.context(args)
    results = ctx.socket(zmq.PULL)
    kill = ctx.socket(zmq.PUB)
    results.maxmsgsize = MAX_MESSAGE_BYTES
    bound_results = _kit.attach_socket(results, args, ROLE, "results")
    bound_kill = _kit.attach_socket(kill, args, ROLE, "kill")
    where = bound_results[0] if bound_results else args.connect[0]
    _kit.say(f"STARTING SERVER AT {shown_port(where)}")
    _kit.ready(results=bound_results, kill=bound_kill)
    _kit.quit_on_stdin_eof()
    tasks = task_count(results)
    _kit.say(f"GATHER {tasks} TASKS.")
    started = time.time()
    gathered = 0
    while gathered < tasks:
        gathered = gather_queued(results, gathered, tasks)
    _kit.say(f"\nELAPSED TIME: {time.time() - started:.2f}")
    kill.send(KILL)
    return 0
