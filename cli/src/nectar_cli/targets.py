"""Where admin commands act: one resolution for `nectar users|billing|db|memory`.

The RCA "We Deleted 10 Real Users with a Test-Cleanup Script" (seeds) and issue 11: an admin
command that reads `BILLING_DATABASE_URL` or falls back to default ports can erase the wrong
database. So every admin command resolves its target here, from one place:

1. the **stack file** that `nectar say`, `chat`, `status` and `dlq` use (`stack.json` in
   `NECTAR_DATA_DIR`, written by `make up`): the stack's own Postgres, Redis, NATS, Chroma;
2. else the **environment** (`BILLING_DATABASE_URL`, `NECTAR_REDIS_URL`, `NECTAR_NATS_URL`,
   `MEMORY_CHROMA_URL`, ...), each variable required where it is used: never a default port.

`--target stack|env` picks one; `--database-url` names the database explicitly. The target
is **ambiguous**, and refused, when a stack file exists and the environment (or
`--database-url`) points a store elsewhere: say which with `--target`. Commands print the
target (secrets masked) before any destructive step.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

TargetChoice = Literal["auto", "stack", "env"]

#: the variables that name a store, by what they name
STORE_VARIABLES: dict[str, str] = {
    "BILLING_DATABASE_URL": "postgres",
    "NECTAR_REDIS_URL": "redis",
    "NECTAR_NATS_URL": "nats",
    "MEMORY_CHROMA_URL": "chroma",
}
#: further store variables are recognised by name (e.g. LLM_COST_GUARD_REDIS_URL)
_STORE_VARIABLE = re.compile(r"^(NECTAR|EDGE|MEMORY|LLM|MEDIA|VOICE|BILLING)_\w*"
                             r"(REDIS_URL|DATABASE_URL|NATS_URL|CHROMA_URL|S3_\w*URL)$")
_PASSWORD = re.compile(r"(://[^:/@\s]+):[^@/\s]+@")
SERVICES = ("billing", "telegram_edge", "memory", "llm", "media", "voice")


class TargetError(Exception):
    """No target, or an ambiguous one: the message says what to do."""


def masked(url: str) -> str:
    """A URL fit to print: its password replaced by `***`."""
    return _PASSWORD.sub(r"\1:***@", url)


def _where(url: str) -> str:
    """What a store URL points at, without its credentials: the same server reached as
    another user (the stack's services each have a NATS user; the CLI is `admin`) is the
    same target."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    if not parts.scheme or not parts.hostname:
        return url
    return urlunsplit((parts.scheme, f"{parts.hostname}:{port or ''}", parts.path,
                       parts.query, ""))


def _is_store_variable(name: str) -> bool:
    return name in STORE_VARIABLES or bool(_STORE_VARIABLE.match(name))


@dataclass(frozen=True)
class Target:
    """The stores an admin command acts on, and where that was decided."""

    source: str
    #: the environment each service would see at this target (settings are read from it)
    service_env: Mapping[str, Mapping[str, str]]
    database_url: str | None = None
    explicit: dict[str, str] = field(default_factory=dict)

    def env(self, service: str = "billing") -> dict[str, str]:
        return dict(self.service_env.get(service, {}))

    def value(self, variable: str, service: str = "billing") -> str | None:
        return self.explicit.get(variable) or self.service_env.get(service, {}).get(variable)

    def require(self, variable: str, service: str = "billing") -> str:
        value = self.value(variable, service)
        if not value:
            raise TargetError(f"{variable} is not set and there is no stack file: refusing "
                              "to guess a default (the default ports are the local stack's); "
                              f"set {variable}, or start the stack (`make up`)")
        return value

    def redis_urls(self) -> dict[str, str]:
        """Every Redis any service of the target uses: URL -> who uses it."""
        found: dict[str, list[str]] = {}
        for service, env in self.service_env.items():
            for name, value in env.items():
                if name.endswith("REDIS_URL") and value:
                    found.setdefault(value, []).append(f"{service}:{name}")
        return {url: ", ".join(sorted(set(users))) for url, users in found.items()}

    def describe(self, *variables: str) -> str:
        """`target (<source>): NAME value; ...` for the stores a command is about to touch."""
        parts = []
        for variable in variables:
            value = self.value(variable)
            parts.append(f"{STORE_VARIABLES.get(variable, variable)} "
                         f"{masked(value) if value else '(not set)'}")
        return f"target ({self.source}): " + "; ".join(parts)

    @contextlib.contextmanager
    def environ(self, service: str) -> Iterator[None]:
        """`os.environ` as `service` would see it at this target (to build its settings)."""
        saved = dict(os.environ)
        try:
            os.environ.clear()
            os.environ.update(self.env(service))
            os.environ.update(self.explicit)
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def settings(self, service: str, cls: type, **overrides: Any) -> Any:
        """`cls()` (a pydantic-settings class) read from this target's environment."""
        with self.environ(service):
            return cls(**overrides)


def _stack_target(environ: Mapping[str, str]) -> Target | None:
    from nectar_devstack.config import StackConfig
    from nectar_devstack.stack import Stack

    config = StackConfig.from_env(environ)
    if not config.stack_json.exists():
        return None
    try:
        recorded = StackConfig.from_stack_json(config.stack_json)
    except (OSError, ValueError, KeyError) as exc:
        raise TargetError(f"stack file {config.stack_json} is unreadable ({exc}); fix or "
                          "remove it, or pass --target env") from exc
    # the stack's own stores, not whatever this shell happens to export
    own = dataclasses.replace(recorded, inherit_env=False, real_apis=False, extra_env={})
    stack = Stack(own)
    envs = {service: {k: v for k, v in stack.env(service).items() if k not in ("PATH", "HOME")}
            for service in SERVICES if service in own.service_ports}
    return Target(source=f"stack file {config.stack_json}", service_env=envs,
                  database_url=envs.get("billing", {}).get("BILLING_DATABASE_URL"))


def _env_target(environ: Mapping[str, str]) -> Target:
    env = {k: v for k, v in environ.items()}
    return Target(source="environment", service_env={s: env for s in SERVICES},
                  database_url=env.get("BILLING_DATABASE_URL"))


def _conflicts(stack: Target, environ: Mapping[str, str], explicit: Mapping[str, str]
               ) -> list[str]:
    problems = []
    for name, value in {**{k: v for k, v in environ.items() if _is_store_variable(k)},
                        **explicit}.items():
        if not value:
            continue
        in_stack = {env.get(name) for env in stack.service_env.values()} - {None}
        if in_stack and _where(value) not in {_where(v) for v in in_stack}:
            given = "--database-url" if name in explicit else name
            problems.append(f"{given} is {masked(value)} but the stack uses "
                            f"{', '.join(masked(v) for v in sorted(in_stack))}")
        elif not in_stack and name.endswith(("_URL",)):
            problems.append(f"{name} is set ({masked(value)}) and the stack does not use it")
    return problems


def resolve(choice: TargetChoice = "auto", *, database_url: str | None = None,
            environ: Mapping[str, str] | None = None) -> Target:
    """The target of an admin command (see the module docstring); `TargetError` when there
    is none or it is ambiguous."""
    environ = os.environ if environ is None else environ
    explicit = {"BILLING_DATABASE_URL": database_url} if database_url else {}
    if choice == "env":
        target = _env_target(environ)
    else:
        stack = _stack_target(environ)
        if choice == "stack":
            if stack is None:
                from nectar_devstack.config import StackConfig

                raise TargetError(f"--target stack: no stack file at "
                                  f"{StackConfig.from_env(environ).stack_json} (`make up` "
                                  "writes it; NECTAR_DATA_DIR says where)")
            if explicit:
                raise TargetError("--database-url and --target stack contradict each other")
            return stack
        if stack is None:
            target = _env_target(environ)
        else:
            problems = _conflicts(stack, environ, explicit)
            if problems:
                raise TargetError(
                    "ambiguous target: " + "; ".join(problems) + ". Say which with "
                    "--target stack (the running local stack) or --target env (the "
                    "environment and --database-url), or unset the variable.")
            return stack
    if explicit:
        target = dataclasses.replace(target, explicit=explicit, database_url=database_url,
                                     source=f"{target.source}, --database-url")
    return target
