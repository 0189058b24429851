"""aionode: zmqspec's node contract (docs/contract.md) on pyzmq's zmq.asyncio.

Each role is a coroutine run on an asyncio event loop: sockets are
``zmq.asyncio`` sockets and every wait is an ``await``. Standard input is an
asyncio stream; the roles that do not read it race their work against a
task that waits for its end-of-file (the contract's lifeline).

Run a role with ``python -m aionode ROLE [options]``.
"""
