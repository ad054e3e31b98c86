"""Operator commands of the memory service (`nectar memory ...` in the CLI): show every layer
of a conversation, search semantic memory, import summaries from another system, rebuild the
projections from the log. Each function opens what it needs from `MemorySettings` and closes
it; the CLI only parses arguments and prints.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nectar_contracts import SummaryWritten
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from redis.asyncio import Redis

from nectar_memory import handlers, rebuild
from nectar_memory.adapters.chroma_index import ChromaVectorIndex
from nectar_memory.adapters.jetstream_log import JetStreamEventLog, LogUnavailable
from nectar_memory.adapters.redis_store import RedisMemoryStore
from nectar_memory.bootstrap import build_deps
from nectar_memory.domain import Conversation
from nectar_memory.handlers import Deps
from nectar_memory.metrics import MemoryMetrics
from nectar_memory.recall import recall
from nectar_memory.settings import MemorySettings

IMPORT_PRODUCER = "memory-import"


class AdminError(Exception):
    """A command cannot run as asked; the message says why and what to do."""


@asynccontextmanager
async def open_deps(settings: MemorySettings) -> AsyncIterator[Deps]:
    """The service's own adapters, with a private metrics registry."""
    redis = Redis.from_url(settings.infra.redis_url, socket_timeout=10,
                           socket_connect_timeout=5)
    deps = build_deps(settings, redis=redis, metrics=MemoryMetrics(CollectorRegistry()))
    try:
        yield deps
    finally:
        await deps.index.close()
        await redis.aclose()


# -- show / search --------------------------------------------------------------------------

async def show(settings: MemorySettings, user_id: int, character: str,
               session: str | None = None) -> dict[str, Any]:
    """Every layer of the (user, character) conversation: current session, hot buffer,
    counters, cached summary, summary lock (Redis) and every stored summary (Chroma)."""
    async with open_deps(settings) as deps:
        current = await deps.store.current_session(user_id, character)
        session = session or current
        keys = await deps.store.user_keys(user_id)
        hot: dict[str, Any] = {}
        if session is not None:
            conv = Conversation(user_id, character, session)
            suffix = f"{user_id}:{character}:{session}"
            recent = await deps.store.recent(conv)
            cached = await deps.store.cached_summary(conv)
            hot = {
                "recent": [line.model_dump(mode="json") for line in recent],
                "assistant_lines": int(keys.get(f"mem:turns:{suffix}") or 0),
                "language": keys.get(f"mem:lang:{suffix}"),
                "summary_cache": ({"window": cached.window, "text": cached.text}
                                  if cached else None),
                "summarizing_window": keys.get(f"mem:summarizing:{suffix}"),
            }
        summaries = await deps.index.user_summaries(user_id, character)
        return {
            "user": user_id, "character": character, "current_session": current,
            "session": session, "hot": hot,
            "summaries": [{"session": s.record.conversation.session,
                           "window": s.record.window, "at": s.record.at.isoformat(),
                           "text": s.record.text} for s in summaries],
        }


async def search(settings: MemorySettings, user_id: int, character: str, query: str,
                 k: int) -> list[dict[str, Any]]:
    """The top-K memories of (user, character) for `query`, best first, with scores."""
    if not query.strip():
        raise AdminError("the query is empty")
    async with open_deps(settings) as deps:  # the same ranking as the turn's context
        hits = await recall(deps.embedder, deps.index, deps.policy.ranking, user_id,
                            character, query, k)
    return [{"rank": i + 1, "score": round(hit.score, 4), "text": hit.text}
            for i, hit in enumerate(hits)]


# -- import ---------------------------------------------------------------------------------

class ImportLine(BaseModel):
    """One line of an import file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    user: int = Field(gt=0, description="Telegram user id.")
    character: str = Field(min_length=1, description="Character id.")
    session: str = Field(min_length=1, description="Conversation session.")
    text: str = Field(min_length=1, description="The summary.")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        return value.strip()


def parse_import(lines: Iterable[str]) -> list[ImportLine]:
    """Validate a JSON-lines import; raise `AdminError` listing every bad line (nothing is
    imported from a file with a bad line)."""
    good: list[ImportLine] = []
    errors: list[str] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            good.append(ImportLine.model_validate_json(raw))
        except ValidationError as exc:
            reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'line'}: {e['msg']}"
                                for e in exc.errors())
            errors.append(f"line {number}: {reasons}")
    if errors:
        shown = errors[:20] + ([f"... and {len(errors) - 20} more"] if len(errors) > 20 else [])
        raise AdminError("nothing imported; fix these lines:\n" + "\n".join(shown))
    if not good:
        raise AdminError("nothing to import: the file has no lines")
    return good


@dataclass
class ImportReport:
    imported: int
    already_there: int
    conversations: int


async def import_file(settings: MemorySettings, path: Path) -> ImportReport:
    """Load summaries from JSON lines (`user`, `character`, `session`, `text`).

    Each new summary becomes a `chat.summary_written` event with `imported=true`, published
    to the log first (the source of truth, so a rebuild reproduces it) and then stored at
    once through the same handler the service runs (the service storing it again is an
    idempotent upsert). Windows continue after the conversation's highest stored window; a
    text already stored in that conversation is skipped, so importing twice is harmless.
    """
    try:
        items = parse_import(path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminError(f"cannot read {path}: {exc}") from exc
    by_conv: dict[Conversation, list[ImportLine]] = {}
    for item in items:
        by_conv.setdefault(Conversation(item.user, item.character, item.session),
                           []).append(item)
    events: list[SummaryWritten] = []
    already = 0
    async with open_deps(settings) as deps:
        for conv, lines in by_conv.items():
            stored = [s.record for s in await deps.index.user_summaries(
                conv.user_id, conv.character) if s.record.conversation == conv]
            texts = {r.text for r in stored}
            window = max((r.window for r in stored), default=-1)
            for item in lines:
                if item.text in texts:
                    already += 1
                    continue
                texts.add(item.text)
                window += 1
                events.append(SummaryWritten.new(
                    producer=IMPORT_PRODUCER, user_id=conv.user_id, chat_id=conv.user_id,
                    character=conv.character, session=conv.session, window=window,
                    text=item.text, model="import", imported=True))
        if events:
            async with JetStreamEventLog(settings.infra.nats_url) as log:
                if not await _stream_exists(log, "CHAT"):
                    raise AdminError("the CHAT stream does not exist: start the stack (or any "
                                     "service) once before importing")
                for event in events:
                    await log.js.publish(event.subject, event.model_dump_json().encode(),
                                         headers={"Nats-Msg-Id": str(event.event_id)})
            for event in events:
                await handlers.store_summary(event, deps)
    return ImportReport(imported=len(events), already_there=already,
                        conversations=len(by_conv))


async def _stream_exists(log: JetStreamEventLog, name: str) -> bool:
    try:
        await log.js.stream_info(name)
    except Exception:  # noqa: BLE001 - nats-py raises several types for "not there"
        return False
    return True


# -- rebuild --------------------------------------------------------------------------------

async def rebuild_plan(settings: MemorySettings, user_id: int | None) -> dict[str, Any]:
    """What `rebuild` would do: events in the log by type, and what would be wiped."""
    async with JetStreamEventLog(settings.infra.nats_url) as log:
        counts: Counter[str] = Counter()
        for stream, subjects in (("CHAT", rebuild.chat_subjects(user_id)),
                                 ("BILLING", rebuild.deletion_subjects(user_id))):
            for subject, n in (await log.subject_counts(stream, subjects)).items():
                counts[subject.split(".", 1)[1].split(".", 1)[0] + "."
                       + subject.rsplit(".", 1)[1]] += n
        users = [user_id] if user_id is not None else await log.users()
    async with open_deps(settings) as deps:
        if user_id is not None:
            keys = len(await deps.store.user_keys(user_id))
            records = len(await deps.index.user_summaries(user_id))
        else:
            keys = await _count_all_keys(deps)
            records = await _count_all_records(deps)
    return {"dry_run": True, "scope": "all" if user_id is None else f"user {user_id}",
            "users_in_log": len(users), "log_events": dict(sorted(counts.items())),
            "will_wipe": {"redis_keys": keys, "chroma_records": records}}


async def run_rebuild(settings: MemorySettings, user_id: int | None) -> dict[str, Any]:
    """Wipe and replay (one user, or everything when `user_id` is None)."""
    async with open_deps(settings) as deps, JetStreamEventLog(settings.infra.nats_url) as log:
        if user_id is not None:
            report = await rebuild.rebuild_user(user_id, log, deps)
        else:
            index = deps.index
            if not isinstance(index, ChromaVectorIndex):  # pragma: no cover - wiring guard
                raise AdminError("rebuild --all needs the Chroma index")
            report = await rebuild.rebuild_all(log, deps, index.delete_all)
        out: dict[str, Any] = {"dry_run": False, **report.as_dict()}
        if log.skipped:
            out["unreadable_events"] = [f"{s}: {r}" for s, r in log.skipped[:20]]
        return out


async def _count_all_keys(deps: Deps) -> int:
    store = deps.store
    if not isinstance(store, RedisMemoryStore):  # pragma: no cover - wiring guard
        return 0
    return sum([1 async for _ in store.redis.scan_iter(match="mem:*", count=1000)])


async def _count_all_records(deps: Deps) -> int:
    index = deps.index
    if not isinstance(index, ChromaVectorIndex):  # pragma: no cover - wiring guard
        return 0
    client = await index._get_client()
    existing = {c.name for c in await client.list_collections()}
    total = 0
    for name in index.collection_names:
        if name in existing:
            total += await (await client.get_collection(name, embedding_function=None)).count()
    return total


__all__ = ["AdminError", "ImportLine", "ImportReport", "LogUnavailable", "import_file",
           "parse_import", "rebuild_plan", "run_rebuild", "search", "show"]


def dumps(obj: object) -> str:
    """One JSON line, non-ASCII kept readable."""
    return json.dumps(obj, ensure_ascii=False, default=str)
