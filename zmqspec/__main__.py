"""``python -m zmqspec ROLE [options]``: run one node; ``--help`` lists the roles."""

from __future__ import annotations

import importlib
import sys

from zmqspec._roles import ROLES

COMMANDS = {
    "catalogue": ("zmqspec._catalogue_cli", "print the behaviour catalogue and the tests that check each id"),
    "demo": ("zmqspec._demo", "run one of the seed's scenarios live: reqrep, pubsub or pipeline"),
    "report": ("zmqspec._report_cli", "merge conformance reports into one matrix"),
}


def usage() -> str:
    width = max(map(len, [*ROLES, *COMMANDS]))
    lines = ["usage: python -m zmqspec ROLE [options]   (ROLE --help explains one)", "", "roles:"]
    lines += [f"  {name:<{width}}  {summary}" for name, (_, summary) in ROLES.items()]
    lines += ["", "commands:"]
    lines += [f"  {name:<{width}}  {summary}" for name, (_, summary) in COMMANDS.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(usage())
        return 0
    name, rest = argv[0], argv[1:]
    entry = ROLES.get(name) or COMMANDS.get(name)
    if entry is None:
        sys.stderr.write(f"zmqspec: error: unknown role or command {name!r} (python -m zmqspec --help lists them)\n")
        return 2
    try:
        module = importlib.import_module(entry[0])
    except ModuleNotFoundError as exc:
        sys.stderr.write(f"zmqspec: error: {name} is not available: {exc}\n")
        return 2
    return module.main(rest)


if __name__ == "__main__":
    sys.exit(main())
