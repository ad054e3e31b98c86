"""The registries' rules, pure: which version is active after an activation log, what a
rollback goes back to."""

from __future__ import annotations

from collections.abc import Iterable

from nectar_media.domain.model import Activation


def _ordered(log: Iterable[Activation]) -> list[Activation]:
    return sorted(log, key=lambda a: (a.at_ms, a.rollback, a.version))


def active_stack(log: Iterable[Activation]) -> list[int]:
    """Replay an activation log, oldest first: an activation pushes its version, a rollback
    pops the current one (and lands on the version it names). The same log gives the same
    stack whatever order its events were projected in."""
    stack: list[int] = []
    for entry in _ordered(log):
        if entry.rollback:
            if stack:
                stack.pop()
            if not stack or stack[-1] != entry.version:
                stack.append(entry.version)
        elif not stack or stack[-1] != entry.version:
            stack.append(entry.version)
    return stack


def active_version(log: Iterable[Activation]) -> int | None:
    """The version rendered now, or None before any activation."""
    stack = active_stack(log)
    return stack[-1] if stack else None


def rollback_target(log: Iterable[Activation]) -> int | None:
    """The version a rollback would activate (the one active before the current one), or
    None when there is nothing to roll back to."""
    stack = active_stack(log)
    return stack[-2] if len(stack) >= 2 else None
