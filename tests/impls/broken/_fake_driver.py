"""A driver that speaks just enough of the protocol (hello, quit) to be broken on purpose.

Each script in this folder hands ``serve`` the one thing it gets wrong.
"""

import json
import sys

HELLO = {
    "protocol": 1, "implementation": "broken-sample", "language": "python", "library": "none",
    "zmq_version": "0.0.0", "transports": ["tcp"], "socket_types": ["REQ"],
}


def answer(request: dict):
    """The right reply: a dict to print as JSON (a str is printed as it is)."""
    if request.get("cmd") == "hello":
        return {"seq": request["seq"], "ok": dict(HELLO)}
    if request.get("cmd") == "quit":
        return {"seq": request["seq"], "ok": {}}
    return {"seq": request.get("seq"), "error": {"errno": "ENOTSUP", "message": "not in this sample"}}


def serve(answer=answer, after_quit=lambda: sys.exit(0)) -> None:
    print("ZMQSPEC READY {}", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        reply = answer(request)
        print(reply if isinstance(reply, str) else json.dumps(reply), flush=True)
        if request.get("cmd") == "quit":
            after_quit()
