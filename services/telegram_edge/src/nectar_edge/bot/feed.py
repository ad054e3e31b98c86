"""Raw Telegram updates into aiogram: validated as `Update` objects and fed to the
dispatcher (middleware chain, routers) with the handlers' `Deps`.

Telegram adds types faster than any library follows (a `forward_origin` or a reaction type
newer than the installed aiogram), and sometimes leaves out a field its own documentation
calls required (a `hidden_user` origin without `sender_user_name`, aiogram issue #1840). An
update is therefore read leniently: a part that does not validate is dropped and the rest
is read again (the user's text of a forwarded message still gets its answer); what was
dropped is logged. An update whose core cannot be read (no kind this code knows, or a
malformed message itself) raises `UnreadableUpdate` with the reason.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from typing import Any, Protocol

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from pydantic import ValidationError

from nectar_edge.deps import Deps
from nectar_edge.domain.errors import UnreadableUpdate

log = logging.getLogger("nectar.telegram_edge.feed")

#: parts dropped from one update at most before it counts as unreadable
MAX_DROPPED_PARTS = 20


class BotSession(Protocol):
    """The started Bot API session updates are bound to (`TelegramGateway`)."""

    bot_id: int

    @property
    def bot(self) -> Bot: ...


def _part_to_drop(loc: tuple[Any, ...], data: dict[str, Any]) -> tuple[Any, ...] | None:
    """The path, in `data`, of the deepest part an error location points into (tags of
    union types in `loc` are not keys of the data and are skipped). None when that is the
    update's own kind object: nothing would be left to read."""
    node: Any = data
    path: list[Any] = []
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            path.append(part)
    return tuple(path) if len(path) >= 2 else None


def _drop(data: dict[str, Any], path: tuple[Any, ...]) -> None:
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]


def _describe(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
                     for err in exc.errors(include_url=False))[:1000]


def read_update(data: Mapping[str, Any], bot: Bot) -> tuple[Update, tuple[str, ...]]:
    """A raw update as an aiogram `Update` bound to `bot`, and the parts dropped to read it
    (dotted paths, empty when it validated as it came). Raises `UnreadableUpdate`."""
    attempt = copy.deepcopy(dict(data))
    dropped: list[str] = []
    while True:
        try:
            update = Update.model_validate(attempt, context={"bot": bot})
            update.event_type  # noqa: B018  # raises for an update of no known kind
            return update, tuple(dropped)
        except UpdateTypeLookupError:
            kinds = sorted(k for k in attempt if k != "update_id")
            raise UnreadableUpdate(f"no update kind this code knows: {kinds}") from None
        except ValidationError as exc:
            path = _part_to_drop(exc.errors()[0]["loc"], attempt)
            if path is None or len(dropped) >= MAX_DROPPED_PARTS:
                raise UnreadableUpdate(f"unreadable update: {_describe(exc)}") from None
            log.warning("update part this code cannot read; dropped", extra={
                "update_id": attempt.get("update_id"), "part": ".".join(map(str, path)),
                "error": _describe(exc)[:300]})
            _drop(attempt, path)
            dropped.append(".".join(str(p) for p in path))


class AiogramFeed:
    """The edge's `UpdateFeed`: each update through the dispatcher, inside the
    `telegram.update.handle` span (events published while handling it carry the trace)."""

    def __init__(self, dp: Dispatcher, session: BotSession, tracer: trace.Tracer) -> None:
        self.dp = dp
        self.session = session
        self.tracer = tracer

    async def feed(self, update: Mapping[str, Any], deps: Deps) -> None:
        with self.tracer.start_as_current_span(
                "telegram.update.handle", kind=SpanKind.INTERNAL,
                attributes={"telegram.update_id": int(update["update_id"]),
                            "telegram.bot_id": self.session.bot_id}) as span:
            try:
                parsed, dropped = read_update(update, self.session.bot)
                if dropped:
                    span.set_attribute("telegram.dropped_parts", list(dropped))
                await self.dp.feed_update(self.session.bot, parsed, deps=deps)
            except BaseException as exc:
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise
