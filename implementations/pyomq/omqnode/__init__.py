"""omqnode: zmqspec's node contract (docs/contract.md) on pyomq, the Python binding of omq.rs.

omq.rs is a ZeroMQ stack written in Rust, with no libzmq inside; pyomq
mirrors pyzmq's blocking API (``import pyomq as zmq``). Each role here is a
plain blocking loop; roles that do not read standard input watch it from a
thread and exit 0 at its end-of-file.

pyomq 0.21.0 has bugs this package steps around, each where it is used:
``DONTWAIT`` on recv raises EIO and on send hangs (timeouts go through
RCVTIMEO/SNDTIMEO instead), a socket's default LINGER is 0 (every node
socket sets its own), and a frame header declaring more than pyomq can
allocate aborts the process (every node socket has a MAXMSGSIZE, which
drops that connection instead; pyomq counts 64 bytes a frame against it). Semantic deviations are not hidden: the driver
reports what the library does, and implementations/pyomq/xfails.txt lists
where that breaks the spec.

Run a role with ``.venv/bin/python -m omqnode ROLE [options]``.
"""
