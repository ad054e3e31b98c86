"""One lifecycle for every adapter that holds a connection or a process.

An adapter with something to open, close or check implements `Managed` and is registered on
the service's `ServiceSpec.managed` under a name: the runtime starts them in order before the
consumers, closes them in reverse order after the consumers have drained, and `/readyz` runs
each one's `check` (a failing check makes the service not ready, or only `degraded` for the
names listed in `ServiceSpec.optional`). Nothing connects before `start`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Managed(Protocol):
    """An adapter with a lifecycle: `start` opens, `close` releases, `check` raises when the
    dependency is not usable now (it is called by `/readyz`, so it must be quick)."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def check(self) -> None: ...


def lifecycles(**adapters: object) -> dict[str, Managed]:
    """The adapters among `adapters` that are `Managed`, by name, in the order given: what a
    service registers as `ServiceSpec.managed`. None (an adapter not in use) and fakes
    without a lifecycle are left out."""
    return {name: adapter for name, adapter in adapters.items()
            if isinstance(adapter, Managed)}
