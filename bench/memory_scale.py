"""Memory at scale: Chroma layouts for 10,000+ conversations in bounded RAM.

What it measures
  For the layout the memory service uses (a FIXED number of shard collections, a user's
  summaries in shard crc32(user) % S, queries filtered by user and character through
  `ChromaVectorIndex`) and, in the same run, the seed article's layout (one collection per
  conversation) as `baseline`:
    * N conversations x 5 window summaries (384-dim, the dimension of the service's e5
      embedder; vectors are random unit vectors: Chroma's cost does not depend on meaning)
      written to a fresh Chroma server (`chroma run`, the stack's server) started for the run;
    * RSS of the Chroma server plus the memory-service side (this process: the Chroma client
      adapter and the loaded e5 embedder), after loading;
    * retrieval latency p50/p99 of the per-turn top-K query (k=4) excluding embedding
      (sequential), and including the e5 embedding of a real question; with the default
      `hybrid` ranking this is the service's per-turn work after the embedding: the
      `candidates` query (48 nearest, with their metadata), tagging the question and
      re-scoring (`--ranking dense`: the plain top-4 query of before);
    * RSS growth over R retrievals of random conversations (50,000 by default).
  The baseline stops growing at N or when its Chroma server passes --baseline-rss-cap-mib
  (the largest N it survives on this shared machine), and runs --baseline-retrievals.

Last stdout line: one JSON object with `bench`, `conversations`, `rss_mib`,
`retrieval_p50_ms`, `retrieval_p99_ms`, `rss_growth`, `baseline` (same keys) and details.
    .venv/bin/python bench/memory_scale.py [--conversations 10000] [--retrievals 50000]
    [--shards 32] [--ranking hybrid|dense] [--compare-shards 1,8] [--baseline-rss-cap-mib 4096]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from nectar_devstack.testing import chroma_url, start_stack
from nectar_memory.adapters.chroma_index import ChromaVectorIndex
from nectar_memory.adapters.e5_embedder import E5Embedder
from nectar_memory.domain import Conversation, RankingPolicy, SummaryRecord
from nectar_memory.domain.concepts import concepts_in
from nectar_memory.domain.ranking import rank

DIM = 384
WINDOWS = 5
K = 4
CHARACTERS = ("luna", "max", "aria")
QUESTIONS = ["Where does the user live?", "What is the name of my cat?",
             "¿Qué música me gusta?", "Что я рассказывал про работу?",
             "Wann habe ich Geburtstag?", "Quel sport je fais ?", "我喜欢吃什么？",
             "Do you remember my sister's name?"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rss_mib(pid: int, children: bool = True) -> float:
    """RSS of a process (and its descendants), MiB (from /proc)."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            if children:
                with open(f"/proc/{p}/task/{p}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return total / 1024


def conversation_of(i: int) -> Conversation:
    """Conversation i: user 10^6+i/2 (two characters per user on average)."""
    return Conversation(1_000_000 + i // 2, CHARACTERS[i % len(CHARACTERS)], "1")


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def summary_text(conv: Conversation, window: int) -> str:
    return (f"Window {window} of user {conv.user_id} with {conv.character}: they talked about "
            f"work, a trip to Lisbon, the cat's vet visit and plans for the weekend.")


class ChromaServer:
    """A throwaway `chroma run` (the stack's own component) in a temp dir."""

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="nectar-bench-chroma-")
        self.stack, self.config = start_stack(Path(self.tmp.name), ["chroma"])
        self.url = chroma_url(self.config)
        [status] = [s for s in self.stack.status() if s.name == "chroma"]
        self.pid = int(status.pid)

    def rss(self) -> float:
        return rss_mib(self.pid)

    def stop(self) -> None:
        self.stack.down()
        self.tmp.cleanup()


def self_rss() -> float:
    """This process only: the Chroma server it started is a child, counted separately."""
    return rss_mib(os.getpid(), children=False)


async def retrieval_phase(query_fn, n_conv: int, retrievals: int, sample: int,
                          with_embedding: int, embedder: E5Embedder, rng: np.random.Generator,
                          server: ChromaServer, concurrency: int = 4) -> dict[str, Any]:
    """Latency samples (sequential), then the rest of `retrievals` with `concurrency`;
    RSS before and after."""
    pyrng = random.Random(7)
    queries = unit_vectors(rng, 512)
    # warm-up, so that one-time allocations are not counted as growth
    for _ in range(200):
        await query_fn(conversation_of(pyrng.randrange(n_conv)), queries[pyrng.randrange(512)])
    chroma_before, service_before = server.rss(), self_rss()
    rss_before = chroma_before + service_before
    plain: list[float] = []
    for _ in range(sample):
        conv = conversation_of(pyrng.randrange(n_conv))
        t = time.perf_counter()
        hits = await query_fn(conv, queries[pyrng.randrange(512)])
        plain.append((time.perf_counter() - t) * 1000)
        assert hits, f"no hits for {conv}"  # every conversation has 5 summaries
    embedded: list[float] = []
    for i in range(with_embedding):
        conv = conversation_of(pyrng.randrange(n_conv))
        t = time.perf_counter()
        [vec] = await embedder.embed([QUESTIONS[i % len(QUESTIONS)]], query=True)
        await query_fn(conv, np.asarray(vec, dtype=np.float32))
        embedded.append((time.perf_counter() - t) * 1000)
    left = max(0, retrievals - sample - with_embedding)
    done = 0
    started = time.perf_counter()

    async def worker(count: int) -> None:
        nonlocal done
        for _ in range(count):
            await query_fn(conversation_of(pyrng.randrange(n_conv)),
                           queries[pyrng.randrange(512)])
            done += 1
            if done % 10_000 == 0:
                rate = done / (time.perf_counter() - started)
                log(f"  {done}/{left} more retrievals, {rate:.0f}/s, "
                    f"rss {server.rss() + self_rss():.0f} MiB")

    await asyncio.gather(*(worker(left // concurrency + (1 if i < left % concurrency else 0))
                           for i in range(concurrency)))
    chroma_after, service_after = server.rss(), self_rss()
    rss_after = chroma_after + service_after
    return {"retrievals": sample + with_embedding + left,
            "retrieval_p50_ms": round(statistics.median(plain), 3),
            "retrieval_p99_ms": round(pct(plain, 0.99), 3),
            "retrieval_with_embedding_p50_ms": round(statistics.median(embedded), 3),
            "retrieval_with_embedding_p99_ms": round(pct(embedded, 0.99), 3),
            "rss_before_retrievals_mib": round(rss_before, 1),
            "rss_after_retrievals_mib": round(rss_after, 1),
            "rss_growth": round((rss_after - rss_before) / rss_before, 4),
            "chroma_rss_growth": round((chroma_after - chroma_before) / chroma_before, 4),
            "service_rss_growth": round((service_after - service_before) / service_before, 4)}


async def sharded(n_conv: int, shards: int, args: argparse.Namespace,
                  embedder: E5Embedder, retrievals: int) -> dict[str, Any]:
    server = ChromaServer()
    try:
        index = ChromaVectorIndex(server.url, "bench_memories", embedder_name=embedder.name,
                                  dimension=DIM, timeout_s=30, shards=shards)
        await index.start()
        rng = np.random.default_rng(42)
        at = datetime.now(UTC)
        t0 = time.perf_counter()
        batch: list[tuple[SummaryRecord, np.ndarray]] = []
        for i in range(n_conv):
            conv = conversation_of(i)
            vecs = unit_vectors(rng, WINDOWS)
            batch.extend((SummaryRecord(conv, w, text := summary_text(conv, w), at,
                                        hub=float(rng.normal(0, 0.02)),
                                        about=concepts_in(text)), vecs[w])
                          for w in range(WINDOWS))
            if len(batch) >= 2000 or i == n_conv - 1:
                await index.upsert_many(batch)
                batch = []
            if (i + 1) % 2000 == 0:
                log(f"[shards={shards}] {i + 1}/{n_conv} conversations, "
                    f"chroma rss {server.rss():.0f} MiB")
        load_s = time.perf_counter() - t0
        await asyncio.sleep(2)  # let the server flush its write log into the index
        chroma_rss, service_rss = server.rss(), self_rss()
        log(f"[shards={shards}] loaded in {load_s:.0f}s; chroma {chroma_rss:.0f} MiB + "
            f"service {service_rss:.0f} MiB; retrievals ...")

        policy = RankingPolicy(ranking=args.ranking)
        question = QUESTIONS[-1]

        async def query(conv: Conversation, vec: np.ndarray) -> list:
            if policy.ranking == "dense":
                return await index.query(conv.user_id, conv.character, vec, K)
            found = await index.candidates(conv.user_id, conv.character, vec,
                                           policy.candidates)
            return rank(found, concepts_in(question), policy, K)

        phase = await retrieval_phase(query, n_conv, retrievals, args.sample,
                                      args.with_embedding, embedder, rng, server)
        await index.close()
        return {"layout": f"sharded-{shards}", "ranking": args.ranking, "conversations": n_conv,
                "summaries": n_conv * WINDOWS,
                "rss_mib": round(chroma_rss + service_rss, 1),
                "chroma_rss_mib": round(chroma_rss, 1),
                "service_rss_mib": round(service_rss, 1), "load_s": round(load_s, 1), **phase}
    finally:
        server.stop()


async def per_conversation(n_conv: int, args: argparse.Namespace,
                           embedder: E5Embedder) -> dict[str, Any]:
    """The seed article's layout: one collection per conversation (no metadata filter)."""
    server = ChromaServer()
    try:
        host, port = server.url.removeprefix("http://").split(":")
        client = await chromadb.AsyncHttpClient(host=host, port=int(port),
                                                settings=ChromaSettings(
                                                    anonymized_telemetry=False))
        collections: dict[Conversation, Any] = {}
        rng = np.random.default_rng(42)
        t0 = time.perf_counter()
        stopped = None
        made = 0
        for i in range(n_conv):
            conv = conversation_of(i)
            col = await client.get_or_create_collection(
                f"conv_{conv.user_id}_{conv.character}_{conv.session}",
                embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
            vecs = unit_vectors(rng, WINDOWS)
            await col.upsert(ids=[f"w{w}" for w in range(WINDOWS)],
                             embeddings=[v.tolist() for v in vecs],
                             documents=[summary_text(conv, w) for w in range(WINDOWS)],
                             metadatas=[{"window": w} for w in range(WINDOWS)])
            collections[conv] = col
            made = i + 1
            if made % 250 == 0:
                rss = server.rss()
                log(f"[per-conversation] {made}/{n_conv} collections, chroma rss {rss:.0f} MiB")
                if rss > args.baseline_rss_cap_mib:
                    stopped = f"chroma RSS {rss:.0f} MiB passed the cap of " \
                              f"{args.baseline_rss_cap_mib} MiB at {made} conversations"
                    log(f"[per-conversation] stopping: {stopped}")
                    break
        load_s = time.perf_counter() - t0
        await asyncio.sleep(2)
        chroma_rss, service_rss = server.rss(), self_rss()
        log(f"[per-conversation] {made} conversations in {load_s:.0f}s; chroma "
            f"{chroma_rss:.0f} MiB; retrievals ...")

        async def query(conv: Conversation, vec: np.ndarray) -> list:
            result = await collections[conv].query(query_embeddings=[vec.tolist()],
                                                   n_results=K,
                                                   include=["documents", "distances"])
            return result["documents"][0]

        phase = await retrieval_phase(query, made, args.baseline_retrievals, args.sample,
                                      args.with_embedding, embedder, rng, server)
        return {"layout": "collection-per-conversation", "conversations": made,
                "requested_conversations": n_conv, "stopped": stopped,
                "summaries": made * WINDOWS,
                "rss_mib": round(chroma_rss + service_rss, 1),
                "chroma_rss_mib": round(chroma_rss, 1),
                "service_rss_mib": round(service_rss, 1), "load_s": round(load_s, 1),
                "chroma_mib_per_conversation": round(chroma_rss / max(made, 1), 3), **phase}
    finally:
        server.stop()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    embedder = E5Embedder(threads=args.embedding_threads)
    await embedder.embed(["warm up"], query=True)  # the model is part of the service's RSS
    chosen = await sharded(args.conversations, args.shards, args, embedder, args.retrievals)
    compared = []
    for shards in [int(s) for s in args.compare_shards.split(",") if s.strip()]:
        compared.append(await sharded(args.conversations, shards, args, embedder,
                                      args.compare_retrievals))
    baseline = (await per_conversation(args.baseline_conversations or args.conversations,
                                       args, embedder)
                if not args.skip_baseline else None)
    keys = ("conversations", "rss_mib", "retrieval_p50_ms", "retrieval_p99_ms", "rss_growth")
    return {"bench": "memory_scale", **{k: chosen[k] for k in keys},
            "retrieval_with_embedding_p50_ms": chosen["retrieval_with_embedding_p50_ms"],
            "retrieval_with_embedding_p99_ms": chosen["retrieval_with_embedding_p99_ms"],
            "baseline": ({k: baseline[k] for k in keys} | {
                "retrieval_with_embedding_p50_ms": baseline["retrieval_with_embedding_p50_ms"],
                "retrieval_with_embedding_p99_ms": baseline["retrieval_with_embedding_p99_ms"],
                "stopped": baseline["stopped"], "retrievals": baseline["retrievals"]}
                if baseline else None),
            "chosen": chosen, "compared": compared, "baseline_detail": baseline,
            "targets": {"rss_mib": 1536, "retrieval_p99_ms": 50, "rss_growth": 0.10}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--conversations", type=int, default=10_000)
    ap.add_argument("--retrievals", type=int, default=50_000)
    ap.add_argument("--sample", type=int, default=2000,
                    help="sequential retrievals timed for p50/p99")
    ap.add_argument("--with-embedding", type=int, default=300,
                    help="retrievals timed with the e5 embedding of a question")
    ap.add_argument("--shards", type=int, default=32, help="the service's layout")
    ap.add_argument("--ranking", choices=("hybrid", "dense"), default="hybrid",
                    help="the service's retrieval: hybrid (default) or the plain top-4")
    ap.add_argument("--compare-shards", default="", help="other shard counts to run too, "
                    "e.g. 1,8 (the README's figures)")
    ap.add_argument("--compare-retrievals", type=int, default=5000)
    ap.add_argument("--baseline-conversations", type=int, default=None,
                    help="default: --conversations")
    ap.add_argument("--baseline-retrievals", type=int, default=10_000)
    ap.add_argument("--baseline-rss-cap-mib", type=float, default=4096)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--embedding-threads", type=int, default=None)
    args = ap.parse_args()
    result = asyncio.run(run(args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
