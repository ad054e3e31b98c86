"""The hashing embedder: deterministic, normalised, lexical similarity in any script."""

from __future__ import annotations

import math

from nectar_memory.adapters.hashing_embedder import HashingEmbedder


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


async def test_vectors_are_384_dims_unit_length_and_deterministic() -> None:
    emb = HashingEmbedder()
    [a, b] = await emb.embed(["Hello world", "Hello world"])
    assert len(a) == 384
    assert math.isclose(math.sqrt(sum(x * x for x in a)), 1.0, rel_tol=1e-9)
    assert a == b
    # stable across instances/processes (CRC-32, not the salted hash())
    assert (await HashingEmbedder().embed(["Hello world"]))[0] == a


async def test_shared_words_are_closer_than_unrelated_text() -> None:
    emb = HashingEmbedder()
    [q, near, far] = await emb.embed(["my cat Miso loves tuna", "the cat called Miso",
                                      "quarterly tax report deadline"])
    assert _cos(q, near) > _cos(q, far) + 0.2


async def test_case_and_width_are_normalised_and_any_script_works() -> None:
    emb = HashingEmbedder()
    [a, b] = await emb.embed(["КОШКА Мисо", "кошка мисо"])
    assert math.isclose(_cos(a, b), 1.0, rel_tol=1e-9)
    [ja] = await emb.embed(["猫のミソ"])
    assert any(ja)


async def test_blank_text_is_the_zero_vector() -> None:
    [zero] = await HashingEmbedder(dimension=16).embed(["  \n "])
    assert zero == [0.0] * 16
