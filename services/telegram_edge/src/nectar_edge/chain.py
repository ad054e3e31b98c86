"""The middleware chain every update goes through, in this order:

    auth -> onboarding -> rate limit -> plan inject -> cost guard

Each step is a plain function of (what the update says, `Deps`) so that it can be tested
alone; `nectar_edge.bot.middlewares` only calls them in order from aiogram and stops the
update when a step says so. A step that stops an update tells the user why, in their
language.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Literal

from nectar_contracts import Plan
from nectar_runtime import Poison, Retry

from nectar_edge.deps import Deps
from nectar_edge.domain.commands import parse_command
from nectar_edge.domain.context import (
    DEFAULT_SESSION,
    Sender,
    UserContext,
    known_plan,
)
from nectar_edge.domain.errors import TelegramError
from nectar_edge.domain.i18n import translate
from nectar_edge.domain.language import normalize_language
from nectar_edge.domain.limits import RateDecision, limit_for
from nectar_edge.domain.messages import TextPart
from nectar_edge.handlers.plans import refill_plan
from nectar_edge.handlers.sending import answer_key, send_once

__all__ = ["Sender", "UpdateKind", "UserContext", "authenticate", "classify", "guard_cost",
           "inject_plan", "limit_rate", "onboard"]

log = logging.getLogger("nectar.telegram_edge.chain")

#: what an update asks for, as far as limits go: `free_of_limits` (payments, pre-checkout:
#: never refused), `command` (counted by the rate limit), `costly` (also spends the cost
#: guard's budget: chat turns and images), `ignored` (a command for another bot: dropped
#: before any step)
UpdateKind = Literal["free_of_limits", "command", "costly", "ignored"]


def classify(text: str | None, *, bot_username: str | None = None, is_payment: bool = False,
             is_callback: bool = False) -> UpdateKind:
    """What limits apply to an update. Decided by the parser the routers use
    (`domain.commands`): every text that becomes a model turn is `costly`, whatever its
    first character; a command is `command` (known or not: an unknown one gets a hint, not a
    model turn) unless it starts model work (/image); a command addressed to another bot
    (`/help@OtherBot`) is `ignored`."""
    if is_payment:
        return "free_of_limits"
    if is_callback or text is None:
        return "command"
    command = parse_command(text)
    if command is None:
        return "costly"
    if command.addressed_elsewhere(bot_username):
        return "ignored"
    return "costly" if command.costly else "command"


async def authenticate(sender: Sender, deps: Deps) -> UserContext | None:
    """Step 1, auth: Telegram user ids are positive and bots are not users (None: the update
    is dropped). Resolves the user from the edge's projection of billing (plan from
    `billing.user_created`/`plan_changed`, choices from the user's commands). A user billing
    does not know yet is a free user; billing creates them from their first turn."""
    if sender.user_id <= 0 or sender.is_bot:
        log.info("update ignored: no usable sender", extra={"sender_id": sender.user_id})
        return None
    policy = deps.policy
    stored = await deps.users.profile(sender.user_id, policy.default_character)
    plan = stored.plan or await refill_plan(sender.user_id, deps)
    character = stored.character or policy.default_character
    return UserContext(
        user_id=sender.user_id, chat_id=sender.chat_id or sender.user_id,
        language=stored.language or normalize_language(sender.language_code,
                                                       policy.default_language),
        character=character, session=stored.session or DEFAULT_SESSION,
        plan=known_plan(plan), voice=stored.voice,
        known_plan=plan is not None, inactive=stored.inactive,
        onboarded=stored.character is not None, update_id=sender.update_id,
        bot_id=sender.bot_id)


async def onboard(ctx: UserContext, deps: Deps) -> UserContext:
    """Step 2, onboarding: a user seen for the first time gets the default character (they
    can pick another from /start's keyboard) and keeps Telegram's language until they pick
    one with /language. Never blocks: a first message is answered at once."""
    if ctx.onboarded:
        return ctx
    new = await deps.users.onboard(ctx.user_id, ctx.character)
    return replace(ctx, new=new, onboarded=True)


async def limit_rate(ctx: UserContext, kind: UpdateKind, deps: Deps) -> RateDecision:
    """Step 3, rate limit: a sliding window per user with the plan's limit. Refused: the
    user is told once per blocked stretch how long to wait."""
    if kind == "free_of_limits":
        return RateDecision(True)
    policy = deps.policy
    decision = await deps.rates.hit(ctx.user_id, limit_for(ctx.plan, policy.rate_limits),
                                    policy.rate_window_s)
    if not decision.allowed:
        if await deps.rates.notice_once(ctx.user_id, max(1.0, decision.retry_after_s)):
            await _tell(ctx, translate("rate_limited", ctx.language,
                                       seconds=str(max(1, round(decision.retry_after_s)))),
                        deps, "rate_limited")
        log.info("rate limited", extra={"user_id": ctx.user_id, "plan": ctx.plan})
    return decision


def inject_plan(ctx: UserContext) -> Plan:
    """Step 4, plan inject: the plan handlers and turns carry (unknown plans count as free,
    already mapped by auth)."""
    return ctx.plan


async def guard_cost(ctx: UserContext, kind: UpdateKind, deps: Deps) -> bool:
    """Step 5, cost guard: a model-backed request spends one unit of the user's daily
    budget (by plan) and of everyone's; over either, or when the budget cannot be read
    (fails closed), the user gets a friendly "try later" and nothing is started."""
    if kind != "costly":
        return True
    policy = deps.policy
    try:
        allowed = await deps.costs.spend(ctx.user_id,
                                         limit_for(ctx.plan, policy.daily_turn_limits),
                                         policy.global_daily_turns)
    except Exception:  # fail closed: no budget, no model call
        log.exception("cost guard unavailable; refusing", extra={"user_id": ctx.user_id})
        allowed = False
    if not allowed:
        await _tell(ctx, translate("try_later", ctx.language), deps, "try_later")
        log.info("cost guard refused", extra={"user_id": ctx.user_id, "plan": ctx.plan})
    return allowed


async def _tell(ctx: UserContext, text: str, deps: Deps, purpose: str) -> None:
    """Tell the user why their update stops here, once (a delivery record like every
    answer). A courtesy: Telegram refusing it changes nothing; our store being down does
    (the update is retried)."""
    try:
        await send_once(answer_key(ctx.bot_id, ctx.update_id, ctx.chat_id, purpose),
                        ctx.user_id, ctx.chat_id, [TextPart(text)], deps)
    except (Retry, Poison, TelegramError) as exc:  # the update is still stopped
        log.warning("could not tell the user about a refusal",
                    extra={"user_id": ctx.user_id, "error": f"{type(exc).__name__}: {exc}"})
