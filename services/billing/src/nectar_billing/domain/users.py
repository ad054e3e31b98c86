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

# Id ranges by auth source, disjoint by construction and enforced by a CHECK constraint
# (`users_id_in_source_range`, migration 0002). Telegram documents user ids as "at most 52
# significant bits", so every Telegram id is below 2**52. OAuth ids come from their own
# sequence in [2**52, 2**52 + 2**51) and test users from another one in [2**52 + 2**51,
# 2**53): no Telegram id can reach either range, a test row cannot be stored in the OAuth
# range (or vice versa), and every id still fits a JSON double (< 2**53) for web clients.
TELEGRAM_IDS: tuple[int, int] = (1, 2**52 - 1)
OAUTH_IDS: tuple[int, int] = (2**52, 2**52 + 2**51 - 1)
TEST_IDS: tuple[int, int] = (2**52 + 2**51, 2**53 - 1)
ID_RANGES: dict[str, tuple[int, int]] = {"telegram": TELEGRAM_IDS, "oauth": OAUTH_IDS,
                                         "test": TEST_IDS}


def auth_source_of(user_id: int) -> str | None:
    """The only auth source an id can belong to (None: no valid user has this id)."""
    for source, (low, high) in ID_RANGES.items():
        if low <= user_id <= high:
            return source
    return None


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
        low, high = ID_RANGES[self.auth_source]
        if not low <= self.id <= high:
            raise UserRejected(f"id {self.id} is outside the {self.auth_source} id range "
                               f"[{low}, {high}]")
        if self.plan not in PLANS:
            raise UserRejected(f"unknown plan {self.plan!r}")


def telegram_user(user_id: int, language: str | None) -> NewUser:
    """A user first seen through Telegram: their Telegram id, the free plan, their language."""
    return NewUser(id=user_id, auth_source="telegram", plan=DEFAULT_PLAN,
                   language=(language or "").strip() or None)
