"""The aiogram Dispatcher of the edge."""

from __future__ import annotations

from aiogram import Dispatcher

from nectar_edge.bot.middlewares import chain_middlewares
from nectar_edge.bot.routers import build_routers
from nectar_edge.deps import Deps


def build_dispatcher(deps: Deps | None = None) -> Dispatcher:
    """Routers in order and the middleware chain. `deps` reach every handler: given here
    (tests), or with each update (`dp.feed_update(bot, update, deps=deps)`, as
    `AiogramFeed` does).

    FSM is disabled: replicas are stateless and per-user state lives in Redis.
    """
    dp = Dispatcher(disable_fsm=True, name="nectar-edge",
                    **({"deps": deps} if deps is not None else {}))
    for middleware in chain_middlewares():
        dp.update.outer_middleware(middleware)
    dp.include_routers(*build_routers())
    return dp


def allowed_updates() -> list[str]:
    """The update kinds Telegram is asked to send (setWebhook / getUpdates): what the
    routers handle, and the bot's own membership (the chain's chat scope handles it)."""
    return sorted({*build_dispatcher().resolve_used_update_types(), "my_chat_member"})
