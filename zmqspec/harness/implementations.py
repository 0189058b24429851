"""Implementations: who runs each role. The only place that knows a command line.

An implementation is a name and, per role, the command that starts a node
of that role. The reference implementation runs ``python -m zmqspec ROLE``;
any other is described by a manifest (TOML, docs/conformance.md):

    name = "my-zmq"
    version = "1.2.3"            # optional, shown in reports
    description = "..."          # optional, free text
    xfails = "xfails.txt"        # optional: expected failures, relative to the manifest
    setup = "impl/setup.sh"      # optional: the one command that installs the toolchain
    requires = ["{here}/classes", "java"]   # optional: paths or programs the nodes need
    base = "reference"           # optional: start from the reference's commands; [roles] overrides some
    catches = ["RR-1"]           # optional: the catalogue ids it is built to fail (mutants/)
    [roles]
    driver = "{python} -m my_zmq.driver"
    rep-server = ["./bin/node", "rep-server"]
    [env]                        # optional, added to each node's environment
    MY_ZMQ_DEBUG = "0"

A command is a string (split like a shell would) or a list. ``{python}``
stands for the running interpreter and ``{here}`` for the manifest's folder,
which is also the nodes' working directory. With ``base = "reference"``
every role runs the reference node (``{python} -m zmqspec ROLE``) unless
``[roles]`` names it: a mutant (mutants/) overrides only its broken role.
``catches`` lists the catalogue ids a deliberately broken implementation
must fail, and no others (tests/test_mutants.py). Without a base, a role
the manifest does not name is "not provided": its tests are reported as such, never as failures.
``xfails`` names the implementer's expected-failures file (one catalogue id
or test id per line, docs/conformance.md); its existence is checked when the
suite reads it. When something ``requires`` names is missing (a path that
does not exist, a program not on PATH), the implementation's tests are
skipped with the reason and the ``setup`` command, never failed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from zmqspec.contract import ROLES


class ManifestError(Exception):
    """A manifest that cannot be used; the message is one line naming the problem."""


class RoleNotProvided(Exception):
    def __init__(self, implementation: str, role: str):
        super().__init__(f"{implementation} does not provide the {role} role")
        self.implementation, self.role = implementation, role


class ToolchainMissing(Exception):
    """What an implementation's nodes need is not installed here: its tests are skipped, not failed."""


@dataclass(frozen=True)
class Implementation:
    name: str
    commands: dict[str, tuple[str, ...]]
    version: str = ""
    manifest: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    xfails: Path | None = None
    setup: str = ""
    requires: tuple[str, ...] = ()
    catches: tuple[str, ...] = ()

    def missing(self) -> list[str]:
        """What ``requires`` names that is not here."""
        return [need for need in self.requires
                if not (Path(need).exists() if os.sep in need else shutil.which(need))]

    def require_toolchain(self) -> None:
        """Raise ToolchainMissing, naming what is missing and the setup command, unless every
        ``requires`` is here."""
        if missing := self.missing():
            how = f"; install it with: {self.setup}" if self.setup else ""
            raise ToolchainMissing(f"{self.name}: toolchain missing ({', '.join(missing)}){how}")

    def command(self, role: str, *args: str) -> list[str]:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        self.require_toolchain()
        try:
            return [*self.commands[role], *args]
        except KeyError:
            raise RoleNotProvided(self.name, role) from None

    def provides(self, role: str) -> bool:
        return role in self.commands

    @property
    def cwd(self) -> str | None:
        return str(self.manifest.parent) if self.manifest else None

    def environment(self) -> dict[str, str] | None:
        if not self.env:
            return None
        return {**os.environ, **self.env}

    def describe(self) -> str:
        where = f" ({self.manifest})" if self.manifest else ""
        version = f" {self.version}" if self.version else ""
        return f"{self.name}{version}{where}"


def reference() -> Implementation:
    from zmqspec import __version__

    python = sys.executable
    return Implementation(
        name="reference",
        version=__version__,
        commands={role: (python, "-m", "zmqspec", role) for role in ROLES},
    )


def load_manifest(path: str | os.PathLike) -> Implementation:
    path = Path(path).resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"manifest {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"manifest {path} cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"manifest {path} is not valid TOML: {exc}") from None

    def need(condition: bool, problem: str) -> None:
        if not condition:
            raise ManifestError(f"manifest {path}: {problem}")

    known = {"name", "version", "description", "roles", "env", "xfails", "setup", "requires", "base", "catches"}
    need(not (set(data) - known), f"unknown keys {sorted(set(data) - known)} (expected {sorted(known)})")
    name = data.get("name")
    need(isinstance(name, str) and name.strip() != "", "needs a non-empty string 'name'")
    base = data.get("base")
    need(base in (None, "reference"), f"'base' can only be \"reference\", got {base!r}")
    roles = data.get("roles", {} if base else None)
    need(isinstance(roles, dict) and (roles or base), "needs a [roles] table naming at least one role")
    unknown = sorted(set(roles) - set(ROLES))
    need(not unknown, f"unknown roles {unknown}; the roles are: {', '.join(ROLES)}")
    env = data.get("env", {})
    need(isinstance(env, dict) and all(isinstance(v, str) for v in env.values()), "[env] values must be strings")
    xfails = data.get("xfails")
    need(xfails is None or (isinstance(xfails, str) and xfails.strip() != ""),
         "'xfails' must be a non-empty string: a file path relative to the manifest")
    setup = data.get("setup", "")
    need(isinstance(setup, str), "'setup' must be a string: the command that installs the toolchain")
    requires = data.get("requires", [])
    need(isinstance(requires, list) and all(isinstance(r, str) and r for r in requires),
         "'requires' must be a list of paths or program names")
    catches = data.get("catches", [])
    need(isinstance(catches, list) and all(isinstance(c, str) and c for c in catches),
         "'catches' must be a list of catalogue ids")
    placeholders = {"python": sys.executable, "here": str(path.parent)}

    def expand(text: str) -> str:
        return text.replace("{python}", placeholders["python"]).replace("{here}", placeholders["here"])

    commands = dict(reference().commands) if base else {}
    for role, command in roles.items():
        if isinstance(command, str):
            command = shlex.split(command)
        need(
            isinstance(command, list) and command and all(isinstance(part, str) for part in command),
            f"the command for {role} must be a non-empty string or list of strings",
        )
        commands[role] = tuple(map(expand, command))
    return Implementation(
        name=name, commands=commands, version=str(data.get("version", "")), manifest=path, env=env,
        xfails=(path.parent / xfails).resolve() if xfails else None,
        setup=setup, requires=tuple(map(expand, requires)), catches=tuple(catches),
    )
