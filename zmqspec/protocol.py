"""The driver protocol's data, defined once: every command, its fields, its results, its errors.

docs/contract.md section 5 is the protocol in words; this module is the part
of it that code reads. From it come the JSON Schema
(``zmqspec/schemas/driver-protocol.json``, written by :func:`json_schema`
and checked by a self-test), the reference driver's request checks
(:func:`request_problem`), the harness's reply checks
(``zmqspec.harness.validate``) and the command table of the contract
(:func:`markdown_table`, checked against docs/contract.md by a self-test).
The harness's client (``zmqspec.harness.driver_client``) names the command
each of its methods sends, and a self-test holds those names to
:data:`COMMANDS`.

A request is one JSON object on one line: ``seq`` (an integer the reply
echoes), ``cmd`` (a name of :data:`COMMANDS`) and the command's fields,
no others. A reply is ``{"seq": n, "ok": {...}}`` or ``{"seq": n, "error":
{"errno": "EINVAL", "message": "..."}}``. Bytes travel as lowercase hex.

This is the lowest layer, beside :mod:`zmqspec.contract`: it imports
nothing of zmqspec and nothing heavy (the reference driver imports it at
start-up).
"""

from __future__ import annotations

import re
from typing import NamedTuple  # records as NamedTuple, not dataclasses: every node imports this
# module, and dataclasses (which imports inspect) cost each node start ~7 ms of CPU

VERSION = 1
"""The protocol's version, ``protocol`` in the ``hello`` reply."""

MAX_DURATION_MS = 2**31 - 1
"""The largest ``timeout_ms`` or ``linger_ms``: what a libzmq int socket option holds."""

DEFAULT_TIMEOUT_MS = 5000
"""``timeout_ms`` when a request leaves it out."""

SOCKET_TYPES = ("PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB")
TRANSPORTS = ("tcp", "ipc", "inproc", "pgm", "epgm", "vmci")
EVENTS = ("in", "out")
DEFAULT_EVENTS = ("in",)
"""A ``poll`` item without ``events`` waits for these: ZMQ_POLLIN, what a receiver asks."""

INT_OPTIONS = ("sndhwm", "rcvhwm", "linger", "rcvtimeo", "sndtimeo", "immediate", "maxmsgsize",
               "req_relaxed", "req_correlate", "xpub_verbose", "router_mandatory", "rcvmore", "type",
               "xpub_verboser", "xpub_manual", "xpub_nodrop", "conflate", "reconnect_ivl", "reconnect_ivl_max")
BYTES_OPTIONS = ("subscribe", "unsubscribe", "routing_id", "last_endpoint", "xpub_welcome_msg")

HEX = re.compile(r"^(?:[0-9a-f]{2})*$")
ERRNO = re.compile(r"^E[A-Z0-9]+$")
VERSION_TEXT = re.compile(r"^\d+\.\d+\.\d+$")

# The errnos the protocol itself gives (a socket call's own failure gives the library's errno).
EPROTO = "EPROTO"  # a line that is no request: not UTF-8, not JSON, not an object, no integer seq
ENOTSUP = "ENOTSUP"  # an unknown cmd, or a command the driver's library cannot do
EINVAL = "EINVAL"  # a field missing, ill-typed, out of range or unknown to the command
ENOTSOCK = "ENOTSOCK"  # a socket name the driver never gave, or one already closed
EAGAIN = "EAGAIN"  # a call that could not complete within its timeout_ms


# -- value types: a JSON Schema fragment and a check of one value -------------------------------


class Type(NamedTuple):
    """A field's type: its JSON Schema (``schema``), a few words for the contract (``words``)."""

    name: str
    schema: dict
    words: str

    def problem(self, value) -> str | None:
        """Why ``value`` is not of this type, or None (the same rules as ``schema``)."""
        return _check(self.schema, value)


def _integer(minimum: int | None = None, maximum: int | None = None) -> dict:
    schema: dict = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


HEX_SCHEMA = {"type": "string", "pattern": HEX.pattern}
FRAMES_SCHEMA = {"type": "array", "items": HEX_SCHEMA}
MESSAGES_SCHEMA = {"type": "array", "items": FRAMES_SCHEMA}
SOCKET_SCHEMA = {"type": "string", "minLength": 1}

STRING = Type("string", {"type": "string"}, "text")
SOCKET = Type("socket", SOCKET_SCHEMA, "a socket name")
ENDPOINT = Type("endpoint", {"type": "string"}, "an endpoint")
OPTION = Type("option", {"type": "string"}, "an option name")
SOCKET_TYPE = Type("socket type", {"enum": list(SOCKET_TYPES)}, " ".join(f"`{t}`" for t in SOCKET_TYPES))
OPTION_VALUE = Type("option value", {"type": ["integer", "string"], "pattern": HEX.pattern,
                                      "minimum": -2**63, "maximum": 2**64 - 1},
                    "an integer (64 bits) or hex")
TEXT_VALUE = Type("text value", {"type": "string"}, "text, set as UTF-8")
FRAMES = Type("frames", FRAMES_SCHEMA, "list of hex")
MESSAGES = Type("messages", MESSAGES_SCHEMA, "list of messages, each a list of hex")
DURATION = Type("duration", _integer(0, MAX_DURATION_MS), f"integer ms, 0..{MAX_DURATION_MS}")
COUNT = Type("count", _integer(0, MAX_DURATION_MS), "integer ≥ 0")
POLL_ITEMS = Type("poll items", {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["socket"],
        "additionalProperties": False,
        "properties": {"socket": SOCKET_SCHEMA,
                       "events": {"type": "array", "items": {"enum": list(EVENTS)}}},
    },
}, 'list of `{"socket", "events"}`; `events` ⊆ `["in", "out"]`, default `["in"]`')
REQUESTS = Type("requests", {"type": "array", "items": {"type": "object", "required": ["cmd"]}},
                "list of requests without `seq`")


# -- commands -------------------------------------------------------------------------------------


class Field(NamedTuple):
    """One field of a request or of an ``ok`` result."""

    name: str
    type: Type
    required: bool = True
    default: object = None
    doc: str = ""


class Command(NamedTuple):
    """One command: its request fields, its ``ok`` result fields, the errnos it may give.

    ``core`` commands every driver answers; the others (for fuzzing speed) a driver may leave
    out, and the harness then makes the same calls one core request at a time. ``blocks``: the
    command takes ``timeout_ms`` and gives EAGAIN when it runs out."""

    name: str
    fields: tuple[Field, ...] = ()
    results: tuple[Field, ...] = ()
    errors: tuple[str, ...] = ()
    core: bool = True
    doc: str = ""
    result_doc: str = ""

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def blocks(self) -> bool:
        return self.field("timeout_ms") is not None


def _socket(doc: str = "") -> Field:
    return Field("socket", SOCKET, doc=doc)


TIMEOUT = Field("timeout_ms", DURATION, required=False, default=DEFAULT_TIMEOUT_MS,
                doc="the most the call may wait")
SOCKET_ERRORS = (ENOTSOCK, EINVAL)

_HELLO_RESULTS = (
    Field("protocol", Type("protocol", {"const": VERSION}, str(VERSION))),
    Field("implementation", STRING),
    Field("language", STRING),
    Field("library", STRING),
    Field("zmq_version", Type("version", {"type": "string", "pattern": VERSION_TEXT.pattern}, "MAJOR.MINOR.PATCH"),
          doc="libzmq's version for a stack on libzmq; for another stack the libzmq version it declares "
              "(its own zmq_version()), else 0.0.0"),
    Field("transports", Type("transports", {"type": "array", "items": {"enum": list(TRANSPORTS)}},
                             "list: those of " + ", ".join(TRANSPORTS) + " the library supports")),
    Field("socket_types", Type("socket types", {"type": "array", "items": {"enum": list(SOCKET_TYPES)}},
                               "list")),
    Field("commands", Type("commands", {"type": "array", "items": {"type": "string"}}, "list"), required=False,
          doc="the commands the driver answers; the harness emulates the non-core ones it leaves out"),
)

COMMANDS: dict[str, Command] = {c.name: c for c in (
    Command("hello", results=_HELLO_RESULTS, doc="who the driver is"),
    Command("socket", (Field("type", SOCKET_TYPE),), (Field("socket", SOCKET, doc='a name for it (e.g. `"s1"`)'),),
            (EINVAL,), doc="a new socket"),
    Command("bind", (_socket(), Field("endpoint", ENDPOINT)),
            (Field("endpoint", ENDPOINT, doc="the endpoint actually bound (wildcard port resolved)"),),
            (*SOCKET_ERRORS, "EADDRINUSE", "EPROTONOSUPPORT")),
    Command("connect", (_socket(), Field("endpoint", ENDPOINT)), (), (*SOCKET_ERRORS, "EPROTONOSUPPORT")),
    Command("unbind", (_socket(), Field("endpoint", ENDPOINT)), (), (*SOCKET_ERRORS, "ENOENT")),
    Command("disconnect", (_socket(), Field("endpoint", ENDPOINT)), (), (*SOCKET_ERRORS, "ENOENT")),
    Command("setsockopt", (_socket(), Field("option", OPTION), Field("value", OPTION_VALUE)), (), SOCKET_ERRORS),
    Command("setsockopt_string", (_socket(), Field("option", OPTION, doc="a bytes option"),
                                  Field("value", TEXT_VALUE)), (), SOCKET_ERRORS,
            doc="like `setsockopt` for a bytes option, through the socket's string API (UTF-8); "
                "it cannot be emulated: the string API is what it tests"),
    Command("getsockopt", (_socket(), Field("option", OPTION)), (Field("value", OPTION_VALUE),), SOCKET_ERRORS),
    Command("send", (_socket(), Field("frames", FRAMES), TIMEOUT), (), (*SOCKET_ERRORS, EAGAIN, "EFSM")),
    Command("recv", (_socket(), TIMEOUT), (Field("frames", FRAMES, doc="one whole message"),),
            (*SOCKET_ERRORS, EAGAIN, "EFSM")),
    Command("poll", (Field("items", POLL_ITEMS), TIMEOUT),
            (Field("ready", Type("ready", {"type": "array", "items": {
                "type": "object", "required": ["socket", "events"],
                "properties": {"socket": SOCKET_SCHEMA, "events": {"type": "array", "items": {"enum": list(EVENTS)}}},
            }}, 'list of `{"socket", "events"}`'), doc="the items that fired (empty when the time ran out)"),),
            SOCKET_ERRORS,
            doc="waits up to `timeout_ms` for an event; with no items it waits `timeout_ms`, as zmq_poll does"),
    Command("close", (_socket(), Field("linger_ms", DURATION, required=False, default=0)), (), SOCKET_ERRORS),
    Command("quit", doc="replies, then the driver exits 0"),
    Command("batch", (Field("requests", REQUESTS),),
            (Field("results", Type("results", {"type": "array", "items": {"type": "object"}}, "list of `ok`")),),
            (EINVAL, ENOTSUP), core=False,
            doc="runs the requests in order; the first failure stops the batch and is its error, with `index` "
                "naming the request that failed (`batch` and `quit` cannot be batched)"),
    Command("send_many", (_socket(), Field("messages", MESSAGES), TIMEOUT),
            (Field("sent", COUNT),), (*SOCKET_ERRORS, EAGAIN, "EFSM"), core=False,
            doc="sends each message in order; `timeout_ms` bounds each one"),
    Command("recv_until", (_socket(), Field("sentinel", FRAMES), TIMEOUT),
            (Field("messages", MESSAGES, doc="those before the sentinel"),
             Field("found", Type("found", {"type": "boolean"}, "boolean"))),
            (*SOCKET_ERRORS, "EFSM"), core=False,
            doc="receives until a message equal to `sentinel` arrives or `timeout_ms` (for the whole call) passes"),
    Command("recv_many", (_socket(), Field("count", COUNT), TIMEOUT), (Field("messages", MESSAGES),),
            (*SOCKET_ERRORS, "EFSM"), core=False,
            doc="receives up to `count` messages within `timeout_ms` (for the whole call)"),
)}
"""Every command of the protocol, by name, in the contract's order."""

CORE = tuple(name for name, c in COMMANDS.items() if c.core)
EXTENDED = tuple(name for name, c in COMMANDS.items() if not c.core)


# -- checking a request (the reference driver) and a reply (the harness) --------------------------


def _check(schema: dict, value) -> str | None:
    """The subset of JSON Schema this module writes, checked by hand (no jsonschema at start-up)."""
    if "const" in schema:
        return None if value == schema["const"] and type(value) is type(schema["const"]) else f"must be {schema['const']!r}"
    if "enum" in schema:
        return None if isinstance(value, str) and value in schema["enum"] else f"must be one of {schema['enum']}"
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    if "integer" in kinds and isinstance(value, int) and not isinstance(value, bool):
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            return f"must be an integer from {low} to {high}, got {value}"
        return None
    if "string" in kinds and isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return f"must be lowercase hex, got {value[:40]!r}" if schema["pattern"] == HEX.pattern else \
                f"must match {schema['pattern']}, got {value[:40]!r}"
        if len(value) < schema.get("minLength", 0):
            return "must not be empty"
        return None
    if "boolean" in kinds and isinstance(value, bool):
        return None
    if "array" in kinds and isinstance(value, list):
        items = schema.get("items")
        for index, item in enumerate(value if items else ()):
            problem = _check(items, item)
            if problem:
                return f"item {index} {problem}"
        return None
    if "object" in kinds and isinstance(value, dict):
        for name in schema.get("required", ()):
            if name not in value:
                return f"lacks {name!r}"
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                problem = _check(properties[name], item)
                if problem:
                    return f"{name!r} {problem}"
            elif schema.get("additionalProperties") is False:
                return f"has a field it does not take: {name!r}"
        return None
    shown = "true/false" if isinstance(value, bool) else type(value).__name__
    return f"must be {' or '.join(kinds)}, not {shown}"


def seq_problem(request) -> str | None:
    """Why a decoded line is no request (the reply is EPROTO with seq null), or None."""
    if not isinstance(request, dict):
        return "a request must be a JSON object"
    if "seq" not in request:
        return "a request must have seq, an integer"
    seq = request["seq"]
    if isinstance(seq, bool) or not isinstance(seq, int):
        return f"seq must be an integer, got {seq!r}"
    return None


def request_problem(cmd: str, fields: dict) -> str | None:
    """Why the fields of a ``cmd`` request (without ``seq`` and ``cmd``) are not the command's:
    one missing, ill-typed, out of range, or not taken. None when they are. ``cmd`` must be a
    name of :data:`COMMANDS`. The reply for a problem is EINVAL, before the command does anything."""
    command = COMMANDS[cmd]
    for name in command.required:
        if name not in fields:
            return f"{cmd} needs {name!r}"
    for name, value in fields.items():
        spec = command.field(name)
        if spec is None:
            return f"{cmd} takes no field {name!r}"
        problem = spec.type.problem(value)
        if problem:
            return f"{cmd}: {name} {problem}"
    return None


def reply_problem(cmd: str, ok: dict) -> str | None:
    """Why an ``ok`` result is not what ``cmd`` answers: a result field missing or ill-typed."""
    command = COMMANDS.get(cmd)
    if command is None:
        return None
    for spec in command.results:
        if spec.name not in ok:
            if spec.required:
                return f"the reply to {cmd} lacks {spec.name!r} in 'ok'"
            continue
        problem = spec.type.problem(ok[spec.name])
        if problem:
            return f"the reply to {cmd}: {spec.name} {problem}"
    return None


# -- what is derived: the JSON Schema and the contract's table ------------------------------------


def _fields_schema(fields: tuple[Field, ...], closed: bool) -> dict:
    schema: dict = {"type": "object", "properties": {f.name: f.type.schema for f in fields}}
    required = [f.name for f in fields if f.required]
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


def json_schema() -> dict:
    """The protocol as a JSON Schema (draft 2020-12): ``#/$defs/request`` (one schema per command,
    chosen by ``cmd``), ``#/$defs/reply`` and ``#/$defs/results/<cmd>`` (what ``ok`` holds)."""
    requests = []
    for command in COMMANDS.values():
        schema = _fields_schema(command.fields, closed=True)
        schema["properties"] = {"seq": {"type": "integer"}, "cmd": {"const": command.name}, **schema["properties"]}
        schema["required"] = ["seq", "cmd", *schema.get("required", [])]
        requests.append(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://zmqspec.invalid/schemas/driver-protocol.json",
        "title": f"zmqspec driver protocol, version {VERSION}",
        "description": "One JSON object per line: requests on the driver's stdin, replies on its stdout. "
                       "See docs/contract.md, section 5. Generated from zmqspec/protocol.py "
                       "(python -m zmqspec.protocol --schema); do not edit by hand.",
        "$defs": {
            "request": {"type": "object", "required": ["seq", "cmd"],
                        "properties": {"cmd": {"enum": list(COMMANDS)}}, "oneOf": requests},
            "results": {c.name: _fields_schema(c.results, closed=False) for c in COMMANDS.values()},
            "reply": {
                "type": "object",
                "required": ["seq"],
                "properties": {
                    "seq": {"type": ["integer", "null"]},
                    "ok": {"type": "object"},
                    "error": {"type": "object", "required": ["errno", "message"],
                              "properties": {"errno": {"type": "string", "pattern": ERRNO.pattern},
                                             "message": {"type": "string"},
                                             "index": {"type": "integer", "minimum": 0}}},
                },
                "oneOf": [{"required": ["ok"]}, {"required": ["error"]}],
            },
        },
        "oneOf": [{"$ref": "#/$defs/request"}, {"$ref": "#/$defs/reply"}],
    }


def _described(fields: tuple[Field, ...]) -> str:
    if not fields:
        return "–"
    parts = []
    for f in fields:
        text = f"`{f.name}`"
        notes = [f.type.words] + ([f.doc] if f.doc else [])
        if not f.required:
            notes.append("optional" if f.default is None else f"default {f.default}")
        parts.append(f"{text} ({'; '.join(notes)})")
    return ", ".join(parts)


def markdown_table() -> str:
    """The command table of docs/contract.md section 5, as the contract prints it."""
    rows = ["| cmd | request fields | `ok` result | errors |", "| --- | --- | --- | --- |"]
    for c in COMMANDS.values():
        name = f"`{c.name}`" + ("" if c.core else " (optional)")
        result = _described(c.results) if c.results else "`{}`"
        if c.doc:
            result += f". {c.doc[0].upper()}{c.doc[1:]}"
        errors = ", ".join(f"`{e}`" for e in c.errors) or "–"
        rows.append(f"| {name} | {_described(c.fields)} | {result} | {errors} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """``python -m zmqspec.protocol --schema|--table``: print the schema (JSON) or the contract's table."""
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args == ["--schema"]:
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    elif args == ["--table"]:
        print(markdown_table())
    else:
        print("usage: python -m zmqspec.protocol --schema | --table", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
