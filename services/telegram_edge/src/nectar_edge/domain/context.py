"""Who sent an update and what the edge knows about them, as plain values.

`UserContext` is what the middleware chain (`nectar_edge.chain`) resolves once per update;
handlers read it instead of asking Redis again. `Conversation` is the part of it a turn
needs (who the user talks to, in which session, on which plan, how answers are sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from nectar_contracts import Plan

DEFAULT_SESSION = "1"
DEFAULT_PLAN: Plan = "free"
PLANS: frozenset[str] = frozenset(get_args(Plan))


@dataclass(frozen=True)
class Sender:
    """Who sent an update, as Telegram says."""

    user_id: int
    is_bot: bool
    language_code: str | None
    chat_id: int | None = None
    #: the update it came with (0 when not known): keys the answers sent for it
    update_id: int = 0
    bot_id: int = 0


@dataclass(frozen=True)
class UserContext:
    """What the chain resolved about the sender; handlers read it instead of Redis."""

    user_id: int
    chat_id: int
    language: str
    character: str
    session: str
    plan: Plan
    voice: bool
    known_plan: bool
    inactive: bool = False
    onboarded: bool = True
    new: bool = False
    update_id: int = 0
    bot_id: int = 0


@dataclass(frozen=True)
class Conversation:
    """Who the user talks to, in which session, on which plan, how answers are sent."""

    character: str
    session: str
    plan: Plan
    voice: bool

    @classmethod
    def of(cls, ctx: UserContext) -> Conversation:
        return cls(character=ctx.character, session=ctx.session, plan=ctx.plan,
                   voice=ctx.voice)


def known_plan(plan: str | None) -> Plan:
    """A cached plan name as a `Plan` (unknown names count as free)."""
    return plan if plan in PLANS else DEFAULT_PLAN  # type: ignore[return-value]
