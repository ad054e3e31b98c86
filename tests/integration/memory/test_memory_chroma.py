"""The cold layer against a real Chroma server; the same contract also runs on the fake."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest

from nectar_memory.adapters.chroma_index import ChromaVectorIndex
from nectar_memory.adapters.hashing_embedder import HashingEmbedder
from nectar_memory.domain import Conversation, SummaryRecord, VectorIndexUnavailable
from nectar_memory.fakes import FakeVectorIndex
from nectar_runtime.testing import free_port

pytestmark = pytest.mark.integration

EMBEDDER = HashingEmbedder()


def _chroma(infra, collection: str | None = None, **kw) -> ChromaVectorIndex:
    return ChromaVectorIndex(infra.chroma_url, collection or f"test_{uuid.uuid4().hex[:12]}",
                             embedder_name=kw.pop("embedder_name", EMBEDDER.name),
                             dimension=EMBEDDER.dimension, **kw)


@pytest.fixture(params=["fake", "chroma"])
async def index(request, infra):
    if request.param == "fake":
        yield FakeVectorIndex()
        return
    idx = _chroma(infra)
    await idx.start()
    yield idx
    await idx.close()


def _user() -> int:
    return uuid.uuid4().int % 10**9 + 1


async def _add(index, user: int, text: str, window: int, character: str = "luna",
               session: str = "1") -> None:
    [vec] = await EMBEDDER.embed([text])
    await index.upsert_summary(SummaryRecord(Conversation(user, character, session), window,
                                             text, datetime.now(UTC)), vec)


async def _query(index, user: int, text: str, k: int = 4, character: str = "luna"):
    [vec] = await EMBEDDER.embed([text])
    return await index.query(user, character, vec, k)


async def test_add_query_filtered_by_user_and_character(index) -> None:
    user, other = _user(), _user()
    await _add(index, user, "user adopted a cat named Miso", 0)
    await _add(index, user, "user is training for a marathon", 1)
    await _add(index, user, "talked about cats with the other character", 0, character="max")
    await _add(index, other, "other user also has a cat named Miso", 0)

    hits = await _query(index, user, "how is Miso the cat?")

    assert hits[0].text == "user adopted a cat named Miso"
    assert {h.text for h in hits} == {"user adopted a cat named Miso",
                                      "user is training for a marathon"}
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    assert hits[0].score > hits[1].score


async def test_top_k_limits_and_rewrite_is_idempotent(index) -> None:
    user = _user()
    for w in range(3):
        await _add(index, user, f"summary number {w}", w)
    await _add(index, user, "summary number 1, rewritten", 1)

    assert len(await _query(index, user, "summary", k=2)) == 2
    texts = {h.text for h in await _query(index, user, "summary", k=10)}
    assert texts == {"summary number 0", "summary number 1, rewritten", "summary number 2"}


async def test_latest_summary_is_the_highest_window_of_that_session(index) -> None:
    user = _user()
    await _add(index, user, "w0", 0)
    await _add(index, user, "w2", 2)
    await _add(index, user, "w1", 1)
    await _add(index, user, "other session w5", 5, session="2")

    latest = await index.latest_summary(Conversation(user, "luna", "1"))

    assert (latest.window, latest.text) == (2, "w2")
    assert await index.latest_summary(Conversation(user, "luna", "9")) is None


async def test_delete_by_user(index) -> None:
    user, other = _user(), _user()
    await _add(index, user, "mine 0", 0)
    await _add(index, user, "mine 1", 1, session="2")
    await _add(index, other, "theirs", 0)

    assert await index.delete_user(user) == 2

    assert await _query(index, user, "mine") == []
    assert [h.text for h in await _query(index, other, "theirs")] == ["theirs"]


async def test_delete_by_conversation(index) -> None:
    user, other = _user(), _user()
    await _add(index, user, "mine 0", 0)
    await _add(index, user, "mine 1", 1, session="2")
    await _add(index, user, "with another character", 0, character="max")
    await _add(index, other, "theirs", 0)

    assert await index.delete_conversation(user, "luna") == 2
    assert await index.delete_conversation(user, "luna") == 0

    assert await _query(index, user, "mine") == []
    assert [h.text for h in await _query(index, user, "another", character="max")] == [
        "with another character"]
    assert [h.text for h in await _query(index, other, "theirs")] == ["theirs"]


async def test_missing_collection_is_empty_not_an_error(infra) -> None:
    idx = _chroma(infra)  # never connected: the collection does not exist
    user = _user()
    assert await _query(idx, user, "anything") == []
    assert await idx.latest_summary(Conversation(user, "luna", "1")) is None
    assert await idx.delete_user(user) == 0
    await idx.check()  # the server itself is fine


async def test_outage_raises_domain_error_quickly(infra) -> None:
    idx = ChromaVectorIndex(f"http://127.0.0.1:{free_port()}", "nectar_memories_v1",
                            embedder_name=EMBEDDER.name, dimension=EMBEDDER.dimension,
                            timeout_s=1.0)
    await idx.start()  # never raises: the layer is degradable
    started = time.monotonic()
    with pytest.raises(VectorIndexUnavailable):
        await _query(idx, _user(), "hello")
    with pytest.raises(VectorIndexUnavailable):
        await idx.check()
    assert time.monotonic() - started < 3


async def test_collection_of_another_embedder_is_refused(infra) -> None:
    name = f"test_{uuid.uuid4().hex[:12]}"
    first = _chroma(infra, name)
    await first.start()
    await _add(first, _user(), "something", 0)
    other = _chroma(infra, name, embedder_name="another-model")
    with pytest.raises(VectorIndexUnavailable, match="rebuild"):
        await _query(other, _user(), "something")


async def test_user_summaries_round_trip_with_embeddings_and_delete_one(index) -> None:
    user = _user()
    at = datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    vec = (await EMBEDDER.embed(["they adopted a cat"]))[0]
    first = SummaryRecord(Conversation(user, "luna", "2"), 1, "they adopted a cat", at)
    await index.upsert_summary(first, vec)
    await _add(index, user, "older window", 0, session="2")
    await _add(index, user, "another character", 0, character="max")

    found = await index.user_summaries(user, "luna")

    assert [(s.record.conversation.session, s.record.window) for s in found] == [("2", 0),
                                                                                ("2", 1)]
    assert found[1].record == first  # time kept to the microsecond
    assert max(abs(a - b) for a, b in zip(found[1].embedding, vec, strict=True)) < 1e-6
    assert len(await index.user_summaries(user)) == 3
    await index.delete_summary(first)
    await index.delete_summary(first)  # already gone: no error
    assert [s.record.text for s in await index.user_summaries(user, "luna")] == [
        "older window"]


async def test_sharded_layout_spreads_users_and_keeps_them_apart(infra) -> None:
    idx = _chroma(infra, shards=4)
    await idx.start()
    users = [_user() for _ in range(12)]
    for user in users:
        await _add(idx, user, f"memory of user {user}", 0)

    assert len({idx.shard_of(u) for u in users}) > 1
    client = await idx._get_client()
    names = {c.name for c in await client.list_collections()}
    assert set(idx.collection_names) <= names and len(idx.collection_names) == 4
    for user in users:
        assert [h.text for h in await _query(idx, user, "memory of user")] == [
            f"memory of user {user}"]
    assert await idx.delete_user(users[0]) == 1
    assert await _query(idx, users[0], "memory") == []
    assert await idx.delete_all() == len(users) - 1
    assert not set(idx.collection_names) & {c.name for c in await client.list_collections()}
    await idx.close()


async def test_conversations_lists_every_pair_with_summaries_in_pages(index) -> None:
    users = [_user(), _user()]
    for i, user in enumerate(users):
        for window in range(3):
            await _add(index, user, f"fact {i} {window}", window)
    await _add(index, users[0], "a kai fact", 0, character="kai")
    pairs = [pair async for batch in index.conversations(batch=2) for pair in batch]
    mine = {p for p in pairs if p[0] in users}
    assert mine == {(users[0], "luna"), (users[1], "luna"), (users[0], "kai")}
    assert sum(1 for p in pairs if p[0] in users) == 7  # every record, paged
