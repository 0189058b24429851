"""``--validate-protocol``: hold every driver reply to the protocol's JSON Schema.

The schema (zmqspec/schemas/driver-protocol.json, generated from
:mod:`zmqspec.protocol`) says what any reply may look like, and what the
``ok`` of each command holds (``#/$defs/results/<cmd>``: ``socket`` answers
with a socket name, ``recv`` with frames...). A reply that breaks it raises
``DriverProtocolError``: the verdict is "broken driver", not a broken
ZeroMQ rule.
"""

from __future__ import annotations

import json
from importlib import resources

from zmqspec import protocol
from zmqspec.harness.driver_client import DriverProtocolError


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
        self._results = {cmd: cls({**reply_schema, "$ref": f"#/$defs/results/{cmd}"}) for cmd in protocol.COMMANDS}

    def problems(self, reply, request: dict) -> list[str]:
        found = [f"{'/'.join(map(str, error.absolute_path)) or 'the reply'}: {error.message}"
                 for error in self._validator.iter_errors(reply)]
        results = self._results.get(request.get("cmd"))
        if not found and results is not None and isinstance(reply, dict) and isinstance(reply.get("ok"), dict):
            found = [f"the reply to {request.get('cmd')}: {'/'.join(map(str, error.absolute_path)) or 'ok'}: "
                     f"{error.message}" for error in results.iter_errors(reply["ok"])]
        return found

    def __call__(self, reply, request: dict, node) -> None:
        problems = self.problems(reply, request)
        if problems:
            shown = json.dumps(reply)[:200]
            raise DriverProtocolError(
                f"broken driver: the reply of {node.name} to {request.get('cmd')} (seq {request.get('seq')}) "
                f"does not match the protocol: {'; '.join(problems[:3])}; reply {shown}", request, reply,
            )
