"""The middleware chain in aiogram: each middleware calls one step of `nectar_edge.chain`
(or `nectar_edge.domain.chats`) and stops the update when the step says so. Order (set in
`bot.dispatcher`):

    callback answer -> chat scope -> auth -> onboarding -> rate limit -> plan inject
        -> cost guard

All are outer middlewares of the `update` observer, so they run once per update before any
router, after aiogram's user-context middleware has put the sender in `event_from_user`
and the chat in `event_chat`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from nectar_edge import chain
from nectar_edge.deps import Deps
from nectar_edge.domain.chats import scope_of
from nectar_edge.domain.context import UserContext
from nectar_edge.handlers import common, membership

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

log = logging.getLogger("nectar.telegram_edge.middlewares")


def update_kind(update: Update, bot_username: str | None = None) -> chain.UpdateKind:
    if update.pre_checkout_query is not None:
        return "free_of_limits"
    if update.message is not None:
        message = update.message
        return chain.classify(message.text, bot_username=bot_username,
                              is_payment=message.successful_payment is not None
                              or message.refunded_payment is not None)
    if update.callback_query is not None:
        return chain.classify(None, is_callback=True)
    return "command"


class CallbackAnswerMiddleware(BaseMiddleware):
    """Every button press is answered at once, whatever happens to it next (its data
    unknown, the user rate limited, a group): Telegram's spinner never keeps turning."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        if isinstance(event, Update) and event.callback_query is not None:
            await common.acknowledge(event.callback_query.id, data["deps"])
        return await handler(event, data)


class ChatScopeMiddleware(BaseMiddleware):
    """Chat scope (`domain.chats`): private chats go on through the chain; the bot's own
    membership changes are handled here, outside it; everything else from groups and
    channels is dropped without a word."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        chat = data.get("event_chat")
        scope = scope_of(chat.type if chat is not None else None,
                         event.my_chat_member is not None)
        if scope == "private":
            return await handler(event, data)
        if scope == "membership":
            assert event.my_chat_member is not None
            change = event.my_chat_member
            return await membership.note_membership(membership.MembershipChange(
                bot_id=data["bot"].id, update_id=event.update_id, chat_id=change.chat.id,
                chat_type=change.chat.type, user_id=change.from_user.id,
                language_code=change.from_user.language_code,
                old_status=change.old_chat_member.status,
                new_status=change.new_chat_member.status, sent_at=change.date),
                data["deps"])
        log.info("update outside a private chat ignored",
                 extra={"update_id": event.update_id, "chat_type": chat.type if chat else None})
        return None


class AuthMiddleware(BaseMiddleware):
    """Auth: resolves the sender into a `UserContext` (`data["user_context"]`); drops
    updates without a usable sender (channel posts, non-positive ids, bots) and commands
    addressed to another bot."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        deps: Deps = data["deps"]
        chat = data.get("event_chat")
        if user is None:
            return None
        kind = update_kind(event, deps.messenger.username) if isinstance(event, Update) \
            else "command"
        if kind == "ignored":
            log.info("command for another bot ignored", extra={"user_id": user.id})
            return None
        ctx = await chain.authenticate(chain.Sender(
            user_id=user.id, is_bot=user.is_bot, language_code=user.language_code,
            chat_id=chat.id if chat is not None else None,
            update_id=event.update_id if isinstance(event, Update) else 0,
            bot_id=data["bot"].id), deps)
        if ctx is None:
            return None
        data["user_context"] = ctx
        data["update_kind"] = kind
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
    return [CallbackAnswerMiddleware(), ChatScopeMiddleware(), AuthMiddleware(),
            OnboardingMiddleware(), RateLimitMiddleware(), PlanMiddleware(),
            CostGuardMiddleware()]
