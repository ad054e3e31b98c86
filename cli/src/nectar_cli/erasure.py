"""Erasure of one user from every store (`nectar users delete`), with a report per store and
a verification that nothing of the user remains (issue 11).

Each store is a `UserDataStore`: `survey` says what it holds of the user (the dry run),
`erase` removes it, `remaining` looks again and lists what is left. The stores:

- **postgres (billing)**: `nectar_billing.operations.delete_user` (rows removed, ledger rows
  kept but anonymised: money law; every outbox event about the user dropped except the
  `billing.user_deleted` tombstone, which every consumer, a later replay included, acts on);
- **redis**: every Redis any service of the target uses; the per-user key families of each
  service (`PER_USER_KEYS`, read from their adapters) are deleted, then *every* key is
  scanned for the user id as a `:` segment, so a family added later without being listed
  here fails the verification instead of staying behind;
- **chroma**: the memory service's summaries of the user (its own adapter);
- **jetstream**: a per-subject purge of `nectar.<context>.<user>.>` in every stream, except
  the user's `billing.user_deleted` tombstone; billing's money events are kept in the
  Postgres ledger, anonymised, which is the bookkeeping record;
- **dlq**: dead letters about the user (by user id, original subject or payload) deleted
  one by one;
- **object storage**: each service that keeps objects ships
  `nectar_<service>.erasure.user_data_stores(settings) -> list[UserDataStore]`
  (`OBJECT_STORAGE_HOOKS`): media the user's images, voice the user's voice messages and the
  shared cache objects made for them (`nectar_runtime.erasure.UserObjects`: the user's
  `users/<id>/` prefix of the service's bucket).
"""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from nectar_cli.targets import Target, masked


class UserDataStore(Protocol):
    """A store that may hold data of a user. Media and voice implement it for objects."""

    name: str

    async def survey(self, user_id: int) -> str:
        """What the store holds of the user, in words (nothing is changed)."""
        ...

    async def erase(self, user_id: int) -> str:
        """Remove the user's data; what was done, in words."""
        ...

    async def remaining(self, user_id: int) -> list[str]:
        """What is still there of the user (empty: nothing)."""
        ...


@dataclass
class StoreReport:
    store: str
    done: str = ""
    remaining: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def clean(self) -> bool:
        return self.error is None and not self.remaining


# -- postgres (billing) ----------------------------------------------------------------------

class BillingStore:
    """The billing database, through billing's own operations."""

    def __init__(self, target: Target, reason: str, actor: str) -> None:
        from nectar_billing.settings import BillingSettings
        from pydantic import SecretStr

        url = target.require("BILLING_DATABASE_URL")
        self.settings = target.settings("billing", BillingSettings,
                                        database_url=SecretStr(url))
        self.name = f"postgres {masked(url)}"
        self.reason, self.actor = reason, actor

    async def _run(self, action: Callable[[Any], Awaitable[Any]]) -> Any:
        from nectar_billing.bootstrap import operator_deps

        async with operator_deps(self.settings) as deps:
            return await action(deps)

    async def _footprint(self, user_id: int) -> dict[str, int]:
        from nectar_billing import operations

        return await self._run(lambda deps: operations.user_footprint(user_id, deps))

    async def survey(self, user_id: int) -> str:
        found = {k: v for k, v in (await self._footprint(user_id)).items() if v}
        if not found:
            return "nothing"
        return ", ".join(f"{n} {table}" for table, n in found.items()) + \
            " (ledger rows are kept, anonymised)"

    async def erase(self, user_id: int) -> str:
        from nectar_billing import operations
        from nectar_billing.domain import UnknownUser

        try:
            done = await self._run(lambda deps: operations.delete_user(
                user_id, self.reason, self.actor, deps))
        except UnknownUser:
            return "no user row (already erased, or never seen)"
        return (f"user row removed; {done.anonymised_ledger_rows} ledger rows kept, "
                f"anonymised; {done.removed_webhooks} recorded webhooks removed; "
                "billing.user_deleted queued for the other services")

    async def remaining(self, user_id: int) -> list[str]:
        return [f"{n} rows in {table}"
                for table, n in (await self._footprint(user_id)).items() if n]


# -- redis -------------------------------------------------------------------------------------

#: (glob, index of the user id among the key's `:` segments) per service, from its adapters
PER_USER_KEYS: dict[str, tuple[tuple[str, int], ...]] = {
    # services/telegram_edge/src/nectar_edge/adapters/redis_store.py
    "telegram_edge": (("edge:character:{u}", 2), ("edge:plan:{u}", 2),
                      ("edge:plan_at:{u}", 2), ("edge:language:{u}", 2),
                      ("edge:voice:{u}", 2), ("edge:inactive:{u}", 2),
                      ("edge:session:{u}:*", 2), ("edge:rate:{u}", 2),
                      ("edge:rate_notice:{u}", 2), ("edge:cost:*:{u}", 3)),
    # services/memory/src/nectar_memory/adapters/redis_store.py (mem:<layer>:<user>:...)
    "memory": (("mem:*:{u}:*", 2),),
    # services/llm/src/nectar_llm/adapters/redis_guard.py
    "llm": (("nectar:llm:cost:*:user:{u}", 5),),
}
#: key families that are not about a user even when a segment looks like a user id
#: (update ids, charge ids, event ids, model slugs, global counters)
NOT_PER_USER = ("edge:update:", "edge:stars:", "edge:delivery:", "edge:answered:",
                "mem:applied:", "nectar:done:", "nectar:claim:", "nectar:llm:cooldown:")


def _segment_matches(key: str, user_id: int, index: int) -> bool:
    parts = key.split(":")
    return len(parts) > index and parts[index] == str(user_id)


class RedisStore:
    """One Redis of the target (services may use more than one)."""

    def __init__(self, url: str, used_by: str) -> None:
        self.url = url
        self.name = f"redis {masked(url)} ({used_by})"

    async def _keys(self, user_id: int, *, every: bool) -> list[str]:
        from redis.asyncio import Redis

        redis = Redis.from_url(self.url, socket_timeout=10, socket_connect_timeout=5)
        try:
            found: set[str] = set()
            if every:
                async for raw in redis.scan_iter(count=1000):
                    key = raw.decode(errors="replace")
                    if not key.startswith(NOT_PER_USER) and str(user_id) in key.split(":"):
                        found.add(key)
                return sorted(found)
            for patterns in PER_USER_KEYS.values():
                for glob, index in patterns:
                    async for raw in redis.scan_iter(match=glob.format(u=user_id),
                                                     count=1000):
                        key = raw.decode(errors="replace")
                        if _segment_matches(key, user_id, index):
                            found.add(key)
            return sorted(found)
        finally:
            await redis.aclose()

    async def survey(self, user_id: int) -> str:
        keys = await self._keys(user_id, every=False)
        return f"{len(keys)} keys" + (f" ({', '.join(keys[:8])}...)" if len(keys) > 8
                                      else f" ({', '.join(keys)})" if keys else "")

    async def erase(self, user_id: int) -> str:
        from redis.asyncio import Redis

        keys = await self._keys(user_id, every=False)
        redis = Redis.from_url(self.url, socket_timeout=10, socket_connect_timeout=5)
        try:
            for start in range(0, len(keys), 500):
                await redis.delete(*keys[start:start + 500])
        finally:
            await redis.aclose()
        return f"{len(keys)} keys deleted"

    async def remaining(self, user_id: int) -> list[str]:
        return [f"key {key}" for key in await self._keys(user_id, every=True)]


# -- chroma ------------------------------------------------------------------------------------

class ChromaStore:
    """The memory service's semantic memory, through its own adapter."""

    def __init__(self, target: Target) -> None:
        from nectar_memory.settings import MemorySettings

        url = target.require("MEMORY_CHROMA_URL", "memory")
        self.settings = target.settings("memory", MemorySettings, chroma_url=url)
        self.name = f"chroma {masked(url)}"

    async def _with_index(self, action: Callable[[Any], Awaitable[Any]]) -> Any:
        from nectar_memory.bootstrap import build_deps
        from nectar_memory.metrics import MemoryMetrics
        from prometheus_client import CollectorRegistry

        deps = build_deps(self.settings, metrics=MemoryMetrics(CollectorRegistry()))
        try:
            return await action(deps.index)
        finally:
            await deps.index.close()

    async def survey(self, user_id: int) -> str:
        found = await self._with_index(lambda index: index.user_summaries(user_id))
        return f"{len(found)} summaries"

    async def erase(self, user_id: int) -> str:
        deleted = await self._with_index(lambda index: index.delete_user(user_id))
        return f"{deleted} summaries deleted"

    async def remaining(self, user_id: int) -> list[str]:
        found = await self._with_index(lambda index: index.user_summaries(user_id))
        return [f"{len(found)} summaries"] if found else []


# -- jetstream ---------------------------------------------------------------------------------

def _tombstone_subject(user_id: int) -> str:
    from nectar_contracts import UserDeleted

    return UserDeleted.subject_template.format(user_id=user_id)


def user_subjects(user_id: int) -> dict[str, list[str]]:
    """Stream -> the subjects holding the user's events (the tombstone excluded)."""
    from nectar_contracts import ALL_EVENTS, ALL_STREAMS, DLQ, UserDeleted

    out: dict[str, list[str]] = {}
    for spec in ALL_STREAMS:
        if spec.name == DLQ.name:
            continue
        prefix = spec.subjects[0].removesuffix(">").rstrip(".")
        if any(e is UserDeleted for e in ALL_EVENTS if e.stream == spec.name):
            # purge the user's subjects one event type at a time, all but the tombstone
            out[spec.name] = [e.subject_template.format(user_id=user_id) for e in ALL_EVENTS
                              if e.stream == spec.name and e is not UserDeleted]
        else:
            out[spec.name] = [f"{prefix}.{user_id}.>"]
    return out


async def _jetstream(nats_url: str) -> tuple[Any, Any]:
    import nats

    async def quiet(_: Exception) -> None:
        return None

    nc = await nats.connect(nats_url, connect_timeout=5, allow_reconnect=False,
                            max_reconnect_attempts=1, error_cb=quiet)
    return nc, nc.jetstream()


async def _count(js: Any, stream: str, subject: str) -> int:
    from nats.js.errors import NotFoundError

    try:
        info = await js.stream_info(stream, subjects_filter=subject)
    except NotFoundError:
        return 0
    return sum((info.state.subjects or {}).values())


class JetStreamStore:
    """The user's subjects in every stream but the DLQ."""

    def __init__(self, target: Target) -> None:
        self.nats_url = target.require("NECTAR_NATS_URL")
        self.name = f"jetstream {masked(self.nats_url)}"

    async def _counts(self, user_id: int) -> dict[str, int]:
        nc, js = await _jetstream(self.nats_url)
        try:
            return {f"{stream} {subject}": await _count(js, stream, subject)
                    for stream, subjects in user_subjects(user_id).items()
                    for subject in subjects}
        finally:
            await nc.close()

    async def survey(self, user_id: int) -> str:
        counts = {k: v for k, v in (await self._counts(user_id)).items() if v}
        return ", ".join(f"{n} in {where}" for where, n in counts.items()) or "nothing"

    async def erase(self, user_id: int) -> str:
        from nats.js.errors import NotFoundError

        nc, js = await _jetstream(self.nats_url)
        purged = 0
        try:
            for stream, subjects in user_subjects(user_id).items():
                for subject in subjects:
                    count = await _count(js, stream, subject)
                    if count:
                        try:
                            await js.purge_stream(stream, subject=subject)
                        except NotFoundError:
                            continue
                        purged += count
        finally:
            await nc.close()
        return (f"{purged} messages purged (kept: the user's billing.user_deleted "
                "tombstone)")

    async def remaining(self, user_id: int) -> list[str]:
        return [f"{n} messages in {where}"
                for where, n in (await self._counts(user_id)).items() if n]


# -- dlq ---------------------------------------------------------------------------------------

def _mentions(node: Any, user_id: int) -> bool:
    """Whether a decoded payload names the user (an event's `user_id`, or a Telegram
    object's sender, chat or user id)."""
    stack = [(node, None)]
    while stack:
        item, parent = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if value == user_id and not isinstance(value, bool) and (
                        key in ("user_id", "from_id", "chat_id")
                        or (key == "id" and parent in ("from", "chat", "user",
                                                       "sender_chat", "sender"))):
                    return True
                stack.append((value, key))
        elif isinstance(item, list):
            stack.extend((value, parent) for value in item)
    return False


def letter_is_about(letter: Any, user_id: int) -> bool:
    """Whether a dead letter is about the user: its user id, original subject or payload."""
    if letter.user_id == user_id:
        return True
    parts = letter.original_subject.split(".")
    if len(parts) > 2 and parts[2] == str(user_id):
        return True
    try:
        raw = (base64.b64decode(letter.original_payload)
               if letter.payload_encoding == "base64" else letter.original_payload.encode())
        return _mentions(json.loads(raw), user_id)
    except (ValueError, UnicodeDecodeError):
        return False


class DeadLetterStore:
    """Dead letters about the user, deleted message by message."""

    def __init__(self, target: Target) -> None:
        self.nats_url = target.require("NECTAR_NATS_URL")
        self.name = "dlq"

    async def _about(self, user_id: int) -> list[int]:
        from nats.js.errors import NotFoundError
        from nectar_contracts import DLQ, DeadLettered, MalformedEvent, parse_event

        nc, js = await _jetstream(self.nats_url)
        try:
            try:
                info = await js.stream_info(DLQ.name)
            except NotFoundError:
                return []
            found = []
            seq, last = info.state.first_seq, info.state.last_seq
            while info.state.messages and seq <= last:
                try:
                    msg = await js.get_msg(DLQ.name, seq=seq, subject=DLQ.subjects[0],
                                           next=True)
                except NotFoundError:
                    break
                seq = msg.seq + 1
                try:
                    letter = parse_event(msg.data, (DeadLettered,))
                except MalformedEvent:
                    continue
                if letter_is_about(letter, user_id):
                    found.append(msg.seq)
            return found
        finally:
            await nc.close()

    async def survey(self, user_id: int) -> str:
        return f"{len(await self._about(user_id))} dead letters"

    async def erase(self, user_id: int) -> str:
        from nectar_contracts import DLQ

        sequences = await self._about(user_id)
        nc, js = await _jetstream(self.nats_url)
        try:
            for seq in sequences:
                await js.delete_msg(DLQ.name, seq)
        finally:
            await nc.close()
        return f"{len(sequences)} dead letters deleted"

    async def remaining(self, user_id: int) -> list[str]:
        left = await self._about(user_id)
        return [f"{len(left)} dead letters"] if left else []


# -- object storage (the hook media and voice fill) -------------------------------------------

#: service -> (module that will provide `user_data_stores(settings)`, its settings class)
OBJECT_STORAGE_HOOKS: dict[str, tuple[str, str, str]] = {
    "media": ("nectar_media.erasure", "nectar_media.settings", "MediaSettings"),
    "voice": ("nectar_voice.erasure", "nectar_voice.settings", "VoiceSettings"),
}


def object_stores(target: Target) -> tuple[list[UserDataStore], list[str]]:
    """The object stores media and voice declare, and a note for each hook not filled yet."""
    stores: list[UserDataStore] = []
    notes = []
    for service, (module, settings_module, settings_cls) in OBJECT_STORAGE_HOOKS.items():
        try:
            hook = importlib.import_module(module)
        except ModuleNotFoundError:
            notes.append(f"object storage ({service}): nothing stored yet; {module}."
                         "user_data_stores(settings) is the hook that erases it once "
                         f"{service} stores images or audio")
            continue
        cls = getattr(importlib.import_module(settings_module), settings_cls)
        stores.extend(hook.user_data_stores(target.settings(service, cls)))
    return stores, notes


# -- all of it ---------------------------------------------------------------------------------

def stores_of(target: Target, reason: str, actor: str) -> tuple[list[UserDataStore],
                                                                 list[str]]:
    """Every store of the target, in erasure order (billing first: its tombstone tells the
    running services to forget the user too), and notes about hooks not filled."""
    stores: list[UserDataStore] = [BillingStore(target, reason, actor)]
    redis = target.redis_urls()
    if not redis:
        target.require("NECTAR_REDIS_URL")
    stores += [RedisStore(url, used_by) for url, used_by in sorted(redis.items())]
    stores += [ChromaStore(target), JetStreamStore(target), DeadLetterStore(target)]
    extra, notes = object_stores(target)
    return stores + extra, notes


async def survey(stores: list[UserDataStore], user_id: int) -> list[StoreReport]:
    reports = []
    for store in stores:
        try:
            reports.append(StoreReport(store.name, await store.survey(user_id)))
        except Exception as exc:  # noqa: BLE001 (reported per store)
            reports.append(StoreReport(store.name, error=f"{type(exc).__name__}: {exc}"))
    return reports


async def erase(stores: list[UserDataStore], user_id: int) -> list[StoreReport]:
    """Erase from every store (a failing store does not stop the others), then verify each."""
    reports = []
    for store in stores:
        report = StoreReport(store.name)
        try:
            report.done = await store.erase(user_id)
        except Exception as exc:  # noqa: BLE001 (reported per store; verification follows)
            report.error = f"{type(exc).__name__}: {str(exc)[:300]}"
        reports.append(report)
    for store, report in zip(stores, reports, strict=True):
        try:
            report.remaining = await store.remaining(user_id)
        except Exception as exc:  # noqa: BLE001
            report.error = report.error or f"cannot verify: {type(exc).__name__}: {exc}"
    return reports
