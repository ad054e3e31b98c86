"""Event sourcing: the hot buffer and the summaries are projections of the log. A live
service builds them from events on JetStream; then they are wiped and `nectar memory
rebuild` reproduces them from the log, compared key by key and record by record. Also the
other operator commands (`show`, `search`, `import`) through the real CLI."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import nats
import numpy as np
import pytest
from redis.asyncio import Redis
from typer.testing import CliRunner

from nectar_cli.main import app as cli
from nectar_contracts import (
    ConversationReset,
    Event,
    ReplyDelivered,
    SummaryWritten,
    TurnReceived,
    UserDeleted,
    uuid7,
)
from nectar_memory.admin import open_deps
from nectar_memory.app import create_app
from nectar_memory.handlers import Deps
from nectar_memory.settings import MemorySettings
from nectar_runtime import InfraSettings
from nectar_runtime.testing import serve_app

pytestmark = pytest.mark.integration

CHARACTER = "luna"


def _env(infra, collection: str) -> dict[str, str]:
    return {"NECTAR_NATS_URL": infra.nats_url, "NECTAR_REDIS_URL": infra.redis_url,
            "MEMORY_CHROMA_URL": infra.chroma_url, "MEMORY_CHROMA_COLLECTION": collection,
            "MEMORY_CHROMA_SHARDS": "2", "MEMORY_SUMMARY_EVERY": "2",
            "MEMORY_HOT_BUFFER_SIZE": "6",
            # no stack file: the CLI acts on the environment (nectar_cli.targets)
            "NECTAR_DATA_DIR": "/nonexistent/nectar-test-no-stack"}


def _settings(infra, collection: str) -> MemorySettings:
    return MemorySettings(
        infra=InfraSettings(nats_url=infra.nats_url, redis_url=infra.redis_url,
                            backoff_base_s=0.05, backoff_max_s=0.2),
        chroma_url=infra.chroma_url, chroma_collection=collection, chroma_shards=2,
        summary_every=2, hot_buffer_size=6)


async def _cli(infra, collection: str, *args: str) -> tuple[int, str]:
    result = await asyncio.to_thread(CliRunner().invoke, cli, list(args),
                                     env=_env(infra, collection))
    return result.exit_code, result.output


def _user() -> int:
    return uuid.uuid4().int % 10**9 + 1


@pytest.fixture
async def js(infra) -> AsyncIterator:
    nc = await nats.connect(infra.nats_url)
    yield nc.jetstream()
    await nc.close()


async def _publish(js, event: Event) -> None:
    await js.publish(event.subject, event.model_dump_json().encode(),
                     headers={"Nats-Msg-Id": str(event.event_id)})


async def _until(check: Callable[[], Awaitable[bool]], timeout: float = 60) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.05)


async def _snapshot(deps: Deps, user: int) -> tuple[dict, list]:
    keys = await deps.store.user_keys(user)
    records = [(s.record, np.asarray(s.embedding)) for s in
               await deps.index.user_summaries(user)]
    return keys, records


def _assert_same(before: tuple[dict, list], after: tuple[dict, list]) -> None:
    keys_before, records_before = before
    keys_after, records_after = after
    assert keys_after == keys_before
    assert [r for r, _ in records_after] == [r for r, _ in records_before]
    for (_, a), (_, b) in zip(records_after, records_before, strict=True):
        assert a.shape == b.shape and np.allclose(a, b, atol=1e-5)


class Conversation:
    """Drives one user's conversation through the live service, waiting for each effect so
    that the projection follows the log order."""

    def __init__(self, js, redis: Redis, user: int) -> None:
        self.js, self.redis, self.user = js, redis, user
        self.session = "1"
        self.lines = 0

    def _hot(self) -> str:
        return f"mem:hot:{self.user}:{CHARACTER}:{self.session}"

    async def _lines_reach(self, n: int) -> None:
        await _until(lambda: self._llen_at_least(n))

    async def _llen_at_least(self, n: int) -> bool:
        return await self.redis.llen(self._hot()) >= n

    async def exchange(self, text: str, answer: str) -> TurnReceived:
        turn = TurnReceived.new(producer="test", user_id=self.user, chat_id=self.user,
                                character=CHARACTER, session=self.session, text=text,
                                language="ru", plan="free")
        await _publish(self.js, turn)
        self.lines = min(self.lines + 1, 6)
        await self._lines_reach(self.lines)
        before = await self.redis.lrange(self._hot(), -1, -1)
        await _publish(self.js, turn.caused(
            ReplyDelivered, producer="test", chat_id=self.user, character=CHARACTER,
            session=self.session, text=answer, reply_event_id=uuid7(), message_ids=[1]))
        await _until(lambda: self._changed(before))
        self.lines = min(self.lines + 1, 6)
        return turn

    async def _changed(self, before: list) -> bool:
        return await self.redis.lrange(self._hot(), -1, -1) != before

    async def summary(self, window: int, text: str) -> None:
        event = SummaryWritten.new(producer="test", user_id=self.user, chat_id=self.user,
                                   character=CHARACTER, session=self.session, window=window,
                                   text=text, model="emulator")
        await _publish(self.js, event)
        key = f"mem:summary:{self.user}:{CHARACTER}:{self.session}"
        await _until(lambda: self._cached(key, window))

    async def _cached(self, key: str, window: int) -> bool:
        return await self.redis.hget(key, "window") == str(window).encode()

    async def reset(self, new_session: str) -> None:
        await _publish(self.js, ConversationReset.new(
            producer="test", user_id=self.user, chat_id=self.user, character=CHARACTER,
            session=self.session, new_session=new_session))
        old = self._hot()
        await _until(lambda: self._switched(old, new_session))
        self.session, self.lines = new_session, 0

    async def _switched(self, old_key: str, new_session: str) -> bool:
        session = await self.redis.get(f"mem:session:{self.user}:{CHARACTER}")
        return session == new_session.encode() and not await self.redis.exists(old_key)


async def test_rebuild_reproduces_redis_and_chroma_exactly(infra, js, tmp_path: Path) -> None:
    collection = f"test_rebuild_{uuid.uuid4().hex[:8]}"
    settings = _settings(infra, collection)
    user, gone = _user(), _user()
    redis = Redis.from_url(infra.redis_url)
    app, _ = create_app(settings)
    async with serve_app(app):
        talk = Conversation(js, redis, user)
        await talk.exchange("Меня зовут Аня, я живу в Казани", "Приятно познакомиться!")
        await talk.exchange("У меня есть кошка Муся", "Какое милое имя!")
        await talk.summary(0, "Аня живёт в Казани, у неё кошка Муся.")
        await talk.exchange("I work as a nurse", "That is a demanding job.")
        await talk.exchange("I love jazz", "Who is your favourite?")
        await talk.summary(1, "Anya works as a nurse and loves jazz.")
        await talk.exchange("one more line", "sure")  # a window in progress: lock-free, counter 5
        await talk.reset("2")  # the reset deletes the two summaries above (issue 10)
        await talk.exchange("fresh start", "Hello again!")
        await talk.summary(0, "Anya started over.")
        # a late summary of the reset session: dropped live, must be dropped by the rebuild too
        await _publish(js, SummaryWritten.new(
            producer="test", user_id=user, chat_id=user, character=CHARACTER, session="1",
            window=2, text="late summary of session 1", model="emulator"))
        other = Conversation(js, redis, gone)
        await other.exchange("delete me later", "ok")
        await other.exchange("really", "ok")
        await other.summary(0, "A user who will be deleted.")
        await _publish(js, UserDeleted.new(producer="test", user_id=gone, reason="gdpr"))
        await _until(lambda: _no_keys(redis, gone))
        await asyncio.sleep(0.5)  # let the late summary be handled (and dropped)

    async with open_deps(settings) as deps:
        live = await _snapshot(deps, user)
        keys, records = live
        assert len(records) == 1 and keys[f"mem:session:{user}:{CHARACTER}"] == "2"
        assert records[0][0].text == "Anya started over."
        assert keys[f"mem:turns:{user}:{CHARACTER}:2"] == "1"
        assert len(keys[f"mem:hot:{user}:{CHARACTER}:2"]) == 2
        assert not any(":1" == k[-2:] for k in keys if k.startswith("mem:hot"))

        # wipe the projections of both users
        await deps.store.forget_user(user)
        await deps.index.delete_user(user)
        assert await _snapshot(deps, user) == ({}, [])

    code, out = await _cli(infra, collection, "memory", "rebuild", "--user", str(user))
    assert code == 0, out
    plan = json.loads(out.splitlines()[0])
    assert plan["dry_run"] is True and plan["log_events"]["chat.turn_received"] == 6
    async with open_deps(settings) as deps:
        assert await _snapshot(deps, user) == ({}, [])  # the dry run changed nothing

    code, out = await _cli(infra, collection, "memory", "rebuild", "--user", str(user),
                           "--apply")
    assert code == 0, out
    report = json.loads(out.splitlines()[-1])
    assert report["applied"]["chat.summary_written"] == 4  # the late one applied and dropped
    code, out = await _cli(infra, collection, "memory", "rebuild", "--user", str(gone),
                           "--apply")
    assert code == 0, out

    async with open_deps(settings) as deps:
        _assert_same(live, await _snapshot(deps, user))
        assert await _snapshot(deps, gone) == ({}, [])  # deleted users stay deleted
    await redis.aclose()


async def _no_keys(redis: Redis, user: int) -> bool:
    return not [k async for k in redis.scan_iter(match=f"mem:*:{user}:*")]


async def test_import_show_and_search_through_the_cli(infra, js, tmp_path: Path) -> None:
    collection = f"test_import_{uuid.uuid4().hex[:8]}"
    settings = _settings(infra, collection)
    app, _ = create_app(settings)
    async with serve_app(app):
        pass  # the service creates the streams (this test may run alone)
    user = _user()
    good = tmp_path / "memories.jsonl"
    good.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"user": user, "character": CHARACTER, "session": "old", "text":
         "Пользователь боится высоты и никогда не летал на самолёте."},
        {"user": user, "character": CHARACTER, "session": "old", "text":
         "The user's sister Marta lives in Buenos Aires."},
        {"user": user, "character": CHARACTER, "session": "old", "text":
         "Der Nutzer spielt seit zehn Jahren Cello."},
    ]) + "\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"user": user, "character": CHARACTER, "session": "x",
                               "text": "fine"}) + "\n" + '{"user": -1, "text": "  "}\n')

    code, out = await _cli(infra, collection, "memory", "import", str(bad))
    assert code == 2 and "line 2" in out and "nothing imported" in out
    code, out = await _cli(infra, collection, "memory", "import", str(good))
    assert code == 0, out
    assert json.loads(out) == {"imported": 3, "already_there": 0, "conversations": 1}
    code, out = await _cli(infra, collection, "memory", "import", str(good))
    assert json.loads(out) == {"imported": 0, "already_there": 3, "conversations": 1}

    code, out = await _cli(infra, collection, "memory", "search", "--user", str(user),
                           "--character", CHARACTER, "--k", "2",
                           "Is the user afraid of flying?")
    assert code == 0, out
    hits = [json.loads(line) for line in out.splitlines()]
    assert [h["rank"] for h in hits] == [1, 2]
    assert "высоты" in hits[0]["text"]  # cross-lingual: English question, Russian fact
    assert hits[0]["score"] > hits[1]["score"] > 0

    code, out = await _cli(infra, collection, "memory", "show", "--user", str(user),
                           "--character", CHARACTER)
    assert code == 0, out
    shown = json.loads(out)
    assert [s["window"] for s in shown["summaries"]] == [0, 1, 2]
    assert {s["session"] for s in shown["summaries"]} == {"old"}
    assert shown["current_session"] is None and shown["hot"] == {}

    # the imports are in the log: a rebuild reproduces them
    code, out = await _cli(infra, collection, "memory", "rebuild", "--user", str(user),
                           "--apply")
    assert code == 0, out
    code, again = await _cli(infra, collection, "memory", "show", "--user", str(user),
                             "--character", CHARACTER)
    assert json.loads(again)["summaries"] == shown["summaries"]


async def test_rebuild_needs_one_scope_and_all_needs_the_expected_count(infra) -> None:
    collection = f"test_scope_{uuid.uuid4().hex[:8]}"
    code, out = await _cli(infra, collection, "memory", "rebuild")
    assert code == 2 and "exactly one" in out
    code, out = await _cli(infra, collection, "memory", "rebuild", "--all", "--apply",
                           "--expect-users", "999999999")
    assert code == 1 and "--expect-users" in out


async def test_rebuild_all_reproduces_every_user_on_its_own_stack(tmp_path: Path) -> None:
    """`--all` wipes everything of the service, so it runs on a private stack whose log
    holds only this test's users."""
    from nectar_devstack.testing import nats_url as admin_nats_url
    from nectar_devstack.testing import start_infra

    stack, cfg = await asyncio.to_thread(start_infra, tmp_path / "infra")
    try:
        class Own:
            nats_url = admin_nats_url(cfg)
            redis_url = f"redis://{cfg.host}:{cfg.redis_port}/0"
            chroma_url = f"http://{cfg.host}:{cfg.chroma_port}"

        own = Own()
        collection = "test_rebuild_all"
        settings = _settings(own, collection)
        users = [_user(), _user()]
        redis = Redis.from_url(own.redis_url)
        nc = await nats.connect(own.nats_url)
        js = nc.jetstream()
        app, _ = create_app(settings)
        async with serve_app(app):
            for n, user in enumerate(users):
                talk = Conversation(js, redis, user)
                await talk.exchange(f"user {n} likes tea", "noted")
                await talk.exchange("and biscuits", "noted too")
                await talk.summary(0, f"User {n} likes tea and biscuits.")
                await talk.exchange("bye", "bye!")
        async with open_deps(settings) as deps:
            live = {u: await _snapshot(deps, u) for u in users}
        # junk that is not in the log disappears: --all starts from nothing
        await redis.set("mem:session:1:ghost", "7")

        code, out = await _cli(own, collection, "memory", "rebuild", "--all")
        plan = json.loads(out.splitlines()[0])
        assert code == 0 and plan["users_in_log"] == 2
        assert plan["will_wipe"]["chroma_records"] == 2
        code, out = await _cli(own, collection, "memory", "rebuild", "--all", "--apply",
                               "--expect-users", "2")
        assert code == 0, out
        report = json.loads(out.splitlines()[-1])
        assert report["applied"]["chat.turn_received"] == 6 and report["users"] == 2

        async with open_deps(settings) as deps:
            for user in users:
                _assert_same(live[user], await _snapshot(deps, user))
        assert not await redis.exists("mem:session:1:ghost")
        await redis.aclose()
        await nc.close()
    finally:
        await asyncio.to_thread(stack.down)
