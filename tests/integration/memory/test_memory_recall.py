"""Recall against a real Chroma server with the real embedder (multilingual e5): the hybrid
ranking picks the right memory among close distractors where the cosine order does not, in
the service's own path (store_summary -> ChromaVectorIndex -> recall); collections written
in another record format are refused with the rebuild command."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from prometheus_client import CollectorRegistry

from nectar_contracts import SummaryWritten
from nectar_memory import handlers
from nectar_memory.adapters.chroma_index import ChromaVectorIndex
from nectar_memory.adapters.e5_embedder import E5Embedder
from nectar_memory.domain import RankingPolicy, VectorIndexUnavailable
from nectar_memory.fakes import FakeMemoryStore
from nectar_memory.handlers import Deps, MemoryPolicy
from nectar_memory.metrics import MemoryMetrics
from nectar_memory.recall import recall, record_format

pytestmark = pytest.mark.integration

CHARACTER = "luna"
#: one user's history with close distractors: two weddings, a pet and the parents' pet
HISTORY = [
    "The user's sister Anna set her wedding date: 14 June, in Porto; the user will be maid "
    "of honour.",
    "The user's cousin Mark is getting married in May in a barn near York.",
    "The user adopted a grey kitten named Pixel from a shelter.",
    "The user's parents have an old dog, a beagle called Rex, who is going deaf.",
    "The user complained about rainy weather and a leaking roof in the flat.",
]


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder(threads=1)


@pytest.fixture
async def deps(infra, e5: E5Embedder):
    index = ChromaVectorIndex(infra.chroma_url, f"test_recall_{uuid.uuid4().hex[:10]}",
                              embedder_name=f"{e5.name}+{record_format()}",
                              dimension=e5.dimension, shards=2)
    await index.start()
    yield Deps(store=FakeMemoryStore(), index=index, embedder=e5,
               metrics=MemoryMetrics(CollectorRegistry()), policy=MemoryPolicy(top_k=4))
    await index.close()


async def _store_history(deps: Deps) -> int:
    user = uuid.uuid4().int % 10**9 + 1
    for window, text in enumerate(HISTORY):
        await handlers.store_summary(SummaryWritten.new(
            producer="test", user_id=user, chat_id=user, character=CHARACTER, session="s1",
            window=window, text=text, model="m", imported=True), deps)
    return user


async def test_hybrid_ranking_picks_the_cousins_wedding_that_the_cosine_order_misses(
        deps: Deps) -> None:
    user = await _store_history(deps)
    question = "いとこの結婚式はいつ？"  # Japanese: "when is my cousin's wedding?"
    dense = await recall(deps.embedder, deps.index, RankingPolicy(ranking="dense"), user,
                         CHARACTER, question, 3)
    hybrid = await recall(deps.embedder, deps.index, RankingPolicy(), user, CHARACTER,
                          question, 3)
    # the embedder alone puts the sister's wedding first (what bench/recall.py measured)
    assert dense[0].text == HISTORY[0]
    assert hybrid[0].text == HISTORY[1]
    assert all(0.0 <= h.score <= 1.0 for h in hybrid)


async def test_the_pet_asked_about_is_the_users_not_the_parents(deps: Deps) -> None:
    user = await _store_history(deps)
    for question, expected in [("Как зовут собаку моих родителей?", HISTORY[3]),
                               ("Wie heißt meine Katze?", HISTORY[2])]:
        [best] = await recall(deps.embedder, deps.index, RankingPolicy(), user, CHARACTER,
                              question, 1)
        assert best.text == expected, question


async def test_stored_records_carry_the_annotations_in_chroma(deps: Deps) -> None:
    user = await _store_history(deps)
    [vec] = await deps.embedder.embed(["wedding"], query=True)
    found = await deps.index.candidates(user, CHARACTER, vec, 10)
    assert len(found) == len(HISTORY)
    about = {c.text: c.about for c in found}
    assert about[HISTORY[0]] == {"sister"} and about[HISTORY[1]] == {"cousin"}
    assert about[HISTORY[3]] == {"parents", "dog"}
    assert all(c.hub is not None for c in found)


async def test_a_collection_of_another_record_format_is_refused_loudly(infra,
                                                                       e5: E5Embedder) -> None:
    name = f"test_recall_{uuid.uuid4().hex[:10]}"
    old = ChromaVectorIndex(infra.chroma_url, name, embedder_name=e5.name,  # before ranking
                            dimension=e5.dimension)
    await old.start()
    new = replace(RankingPolicy())
    current = ChromaVectorIndex(infra.chroma_url, name,
                                embedder_name=f"{e5.name}+{record_format(new)}",
                                dimension=e5.dimension)
    [vec] = await e5.embed(["hello"], query=True)
    with pytest.raises(VectorIndexUnavailable, match="rebuild --all"):
        await current.candidates(1, CHARACTER, vec, 4)


async def test_the_shipped_reference_bank_is_what_the_embedder_computes() -> None:
    import numpy as np

    from nectar_memory.adapters.e5_embedder import E5Embedder
    from nectar_memory.recall import ReferenceBank, reference_questions

    embedder = E5Embedder()
    bank = ReferenceBank(embedder)
    shipped = bank._load_precomputed()
    assert shipped is not None, "run ReferenceBank(E5Embedder()).write_precomputed()"
    sample = [0, len(reference_questions()) // 2, len(reference_questions()) - 1]
    fresh = np.asarray(await embedder.embed([reference_questions()[i] for i in sample],
                                            query=True), dtype=np.float32)
    for row, i in zip(fresh, sample, strict=True):
        cosine = float(row @ shipped[i] / (np.linalg.norm(row) * np.linalg.norm(shipped[i])))
        assert cosine > 0.999, f"question {i} drifted: rewrite the shipped bank"
