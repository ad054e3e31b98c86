"""Users: who they are, how they authenticate, which plan they start on.

Lessons from the RCA "We Deleted 10 Real Users with a Test-Cleanup Script" (seeds): test users
are told apart by `auth_source = 'test'`, never by an id range; a user row is created once
and never overwritten by an upsert; Telegram users keep their positive Telegram id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from nectar_contracts import AuthSource, Plan

from nectar_billing.domain.errors import UserRejected

AUTH_SOURCES: tuple[str, ...] = get_args(AuthSource)
PLANS: tuple[str, ...] = get_args(Plan)
#: every user starts on this plan; paid plans are derived from the payments ledger
DEFAULT_PLAN: Plan = "free"


@dataclass(frozen=True)
class NewUser:
    """A user about to be created."""

    id: int
    auth_source: AuthSource
    plan: Plan = DEFAULT_PLAN
    language: str | None = None

    def __post_init__(self) -> None:
        if self.id <= 0:
            raise UserRejected(f"user id must be positive, got {self.id}")
        if self.auth_source not in AUTH_SOURCES:
            raise UserRejected(f"unknown auth source {self.auth_source!r}")
        if self.plan not in PLANS:
            raise UserRejected(f"unknown plan {self.plan!r}")


def telegram_user(user_id: int, language: str | None) -> NewUser:
    """A user first seen through Telegram: their Telegram id, the free plan, their language."""
    return NewUser(id=user_id, auth_source="telegram", plan=DEFAULT_PLAN,
                   language=(language or "").strip() or None)
