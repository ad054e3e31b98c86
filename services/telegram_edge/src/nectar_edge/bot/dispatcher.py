"""The aiogram Dispatcher of the edge."""

from __future__ import annotations

from aiogram import Dispatcher

from nectar_edge.bot.middlewares import chain_middlewares
from nectar_edge.bot.routers import build_routers
from nectar_edge.handlers import Deps


def build_dispatcher(deps: Deps) -> Dispatcher:
    """Routers in order, the middleware chain, and `deps` injected into every handler.

    FSM is disabled: replicas are stateless and per-user state lives in Redis.
    """
    dp = Dispatcher(disable_fsm=True, name="nectar-edge", deps=deps)
    for middleware in chain_middlewares():
        dp.update.outer_middleware(middleware)
    dp.include_routers(*build_routers())
    return dp
