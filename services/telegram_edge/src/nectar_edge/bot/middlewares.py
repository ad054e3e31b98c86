"""The middleware chain in aiogram: each middleware calls one step of `nectar_edge.chain`
and stops the update when the step says so. Order (set in `bot.dispatcher`):

    auth -> onboarding -> rate limit -> plan inject -> cost guard

All are outer middlewares of the `update` observer, so they run once per update before any
router, after aiogram's user-context middleware has put the sender in `event_from_user`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from nectar_edge import chain
from nectar_edge.deps import Deps
from nectar_edge.domain.context import UserContext

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def update_kind(update: Update) -> chain.UpdateKind:
    if update.pre_checkout_query is not None:
        return "free_of_limits"
    if update.message is not None:
        message = update.message
        return chain.classify(message.text, is_payment=message.successful_payment is not None)
    if update.callback_query is not None:
        return chain.classify(None, is_callback=True)
    return "command"


class AuthMiddleware(BaseMiddleware):
    """Auth: resolves the sender into a `UserContext` (`data["user_context"]`); drops
    updates without a usable sender (channel posts, non-positive ids, bots)."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        deps: Deps = data["deps"]
        chat = data.get("event_chat")
        if user is None:
            return None
        ctx = await chain.authenticate(chain.Sender(
            user_id=user.id, is_bot=user.is_bot, language_code=user.language_code,
            chat_id=chat.id if chat is not None else None,
            update_id=event.update_id if isinstance(event, Update) else 0), deps)
        if ctx is None:
            return None
        data["user_context"] = ctx
        data["update_kind"] = update_kind(event) if isinstance(event, Update) else "command"
        return await handler(event, data)


class OnboardingMiddleware(BaseMiddleware):
    """Onboarding: a first-time user gets the default character and Telegram's language."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        data["user_context"] = await chain.onboard(data["user_context"], data["deps"])
        return await handler(event, data)


class RateLimitMiddleware(BaseMiddleware):
    """Rate limit: a sliding window per user with the plan's limit."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        decision = await chain.limit_rate(data["user_context"], data["update_kind"],
                                          data["deps"])
        if not decision.allowed:
            return None
        return await handler(event, data)


class PlanMiddleware(BaseMiddleware):
    """Plan inject: `data["plan"]` for handlers."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        ctx: UserContext = data["user_context"]
        data["plan"] = chain.inject_plan(ctx)
        return await handler(event, data)


class CostGuardMiddleware(BaseMiddleware):
    """Cost guard: model-backed requests within the daily budgets only."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        if not await chain.guard_cost(data["user_context"], data["update_kind"],
                                      data["deps"]):
            return None
        return await handler(event, data)


def chain_middlewares() -> list[BaseMiddleware]:
    """The chain, in order."""
    return [AuthMiddleware(), OnboardingMiddleware(), RateLimitMiddleware(), PlanMiddleware(),
            CostGuardMiddleware()]
