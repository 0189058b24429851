"""``--validate-protocol``: hold every driver reply to the protocol's JSON Schema.

The schema (zmqspec/schemas/driver-protocol.json) says what any reply may
look like; the contract's table (docs/contract.md, section 5) adds what the
reply to each command must hold (``socket`` answers with a socket name,
``recv`` with frames...). A reply that breaks either raises
``DriverProtocolError``: the verdict is "broken driver", not a broken
ZeroMQ rule.
"""

from __future__ import annotations

import json
from importlib import resources

from zmqspec.harness.driver_client import DriverProtocolError

RESULTS = {
    "hello": ("protocol", "implementation", "language", "library", "zmq_version", "transports", "socket_types"),
    "socket": ("socket",),
    "bind": ("endpoint",),
    "getsockopt": ("value",),
    "recv": ("frames",),
    "poll": ("ready",),
}


class ValidatorUnavailable(Exception):
    """jsonschema is missing; the message is one line."""


def load_schema() -> dict:
    return json.loads(resources.files("zmqspec").joinpath("schemas/driver-protocol.json").read_text("utf-8"))


class ProtocolValidator:
    """Called by ``Driver`` with each reply: ``validator(reply, request, node)``."""

    def __init__(self):
        try:
            import jsonschema
        except ImportError:
            raise ValidatorUnavailable(
                "--validate-protocol needs jsonschema (python -m pip install 'zmqspec[test]')"
            ) from None
        schema = load_schema()
        reply_schema = {key: value for key, value in schema.items() if key != "oneOf"}
        reply_schema["$ref"] = "#/$defs/reply"
        cls = jsonschema.validators.validator_for(schema)
        self._validator = cls(reply_schema)

    def problems(self, reply, request: dict) -> list[str]:
        found = [f"{'/'.join(map(str, error.absolute_path)) or 'the reply'}: {error.message}"
                 for error in self._validator.iter_errors(reply)]
        if not found and isinstance(reply, dict) and isinstance(reply.get("ok"), dict):
            missing = [name for name in RESULTS.get(request.get("cmd"), ()) if name not in reply["ok"]]
            if missing:
                found.append(f"the reply to {request.get('cmd')} lacks {', '.join(missing)} in 'ok'")
        return found

    def __call__(self, reply, request: dict, node) -> None:
        problems = self.problems(reply, request)
        if problems:
            shown = json.dumps(reply)[:200]
            raise DriverProtocolError(
                f"broken driver: the reply of {node.name} to {request.get('cmd')} (seq {request.get('seq')}) "
                f"does not match the protocol: {'; '.join(problems[:3])}; reply {shown}"
            )
