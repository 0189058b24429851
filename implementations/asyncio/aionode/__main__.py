"""python -m aionode ROLE [options]: start one node."""

import importlib
import sys

ROLES = {
    "rep-server": "rep_server", "req-client": "req_client", "gateway": "gateway",
    "weather-pub": "weather_pub", "weather-sub": "weather_sub",
    "sync-pub": "sync_pub", "sync-sub": "sync_sub",
    "ventilator": "ventilator", "worker": "worker", "sink": "sink", "driver": "driver",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m aionode ROLE [options]\nroles: " + ", ".join(ROLES))
        return 0 if argv else 2
    role, *options = argv
    if role not in ROLES:
        sys.stderr.write(f"aionode: error: unknown role {role!r} (roles: {', '.join(ROLES)})\n")
        return 2
    return importlib.import_module(f"aionode.{ROLES[role]}").main(options)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
