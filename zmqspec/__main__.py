"""``python -m zmqspec ROLE [options]``: run one node, or one of the tools; ``--help`` lists them.

Dispatch only: a role's module comes from the role table (:mod:`zmqspec.contract`),
a tool's from :data:`TOOLS`; each parses its own options.
"""

from __future__ import annotations

import importlib
import sys

from zmqspec.contract import ROLES

TOOLS = {
    "check": ("zmqspec.conformance.check", "judge an implementation: the specification's verdict per catalogue id"),
    "catalogue": ("zmqspec.conformance.catalogue_cli", "print the behaviour catalogue and the tests that check each id"),
    "demo": ("zmqspec.demo", "run one of the seed's scenarios live: reqrep, gateway, pubsub or pipeline"),
    "report": ("zmqspec.conformance.matrix", "merge conformance reports into one matrix"),
}


def usage() -> str:
    width = max(map(len, [*ROLES, *TOOLS]))
    lines = ["usage: python -m zmqspec ROLE [options]   (ROLE --help explains one)",
             "       python -m zmqspec --version", "", "roles:"]
    lines += [f"  {name:<{width}}  {role.summary}" for name, role in ROLES.items()]
    lines += ["", "tools:"]
    lines += [f"  {name:<{width}}  {summary}" for name, (_, summary) in TOOLS.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(usage())
        return 0
    if argv[0] == "--version":
        from zmqspec import __version__

        sys.stdout.write(f"zmqspec {__version__}\n")
        return 0
    name, rest = argv[0], argv[1:]
    entry = (ROLES[name].module, ROLES[name].summary) if name in ROLES else TOOLS.get(name)
    if entry is None:
        sys.stderr.write(f"zmqspec: error: unknown role or tool {name!r} (python -m zmqspec --help lists them)\n")
        return 2
    try:
        module = importlib.import_module(entry[0])
    except ModuleNotFoundError as exc:
        sys.stderr.write(f"zmqspec: error: {name} is not available: {exc}\n")
        return 2
    return module.main(rest)


if __name__ == "__main__":
    sys.exit(main())
