"""Recall benchmark: does memory pick the right summary among months of similar ones, in any
pair of the 17 languages?

Data (bench/data/recall_histories_{a,b}.txt, written for this benchmark): 20 users with
30-31 window summaries each, accumulated over months, with close distractors in the same
history (a sister's wedding and a cousin's, the user's cat and the parents' dog, the old job
and the new one, two trips, two relatives' operations), mostly in the user's language with
some in a second one; 210 questions asked in every one of the 17 languages, mostly in
another language than the summary that answers them (a question names its target summary by
tag). Users 101-110 are the TUNING split (weights and thresholds were chosen on them only);
users 111-120 are the HELD-OUT split, never used to choose anything.

Path measured: exactly the service's. Summaries are stored through `handlers.store_summary`
(as `nectar memory import` does: e5 embedding, ranking annotations, `ChromaVectorIndex` on a
throwaway `chroma run` server, 32 shards), and every question goes through
`recall.recall`, the function behind both the turn's context and `nectar memory search`.
Rankings compared side by side on the same stored data:
  * `dense`: today's baseline (the embedder's cosine order from Chroma);
  * `hybrid`: the default (domain/ranking.py), and its two parts alone for attribution:
    `hub_only` (hubness correction) and `about_only` (who the memory is about).

Reported per split and ranking: recall@1, recall@3, MRR, overall and per language-pair
group (same language; Latin<->Latin; Latin<->non-Latin; non-Latin<->non-Latin of another
language; and the overlapping views "CJK involved", "RTL involved"); latency per query
p50/p99 of the retrieval alone (embedding excluded) and with the e5 embedding, and the CPU
time of this process per query.

Data file format: `@user ID tune|heldout`, then summaries `YYYY-MM LANG TAG | text` (TAG
`-` when no question targets it) and questions `? LANG TAG | question`.

    .venv/bin/python bench/recall.py [--rounds 3] [--threads N]
Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from nectar_contracts import SummaryWritten
from nectar_devstack.testing import chroma_url, start_stack
from nectar_memory import handlers
from nectar_memory.adapters.chroma_index import ChromaVectorIndex
from nectar_memory.adapters.e5_embedder import E5Embedder
from nectar_memory.domain import Conversation, RankingPolicy
from nectar_memory.domain.concepts import concepts_in
from nectar_memory.domain.ranking import rank
from nectar_memory.fakes import FakeMemoryStore
from nectar_memory.handlers import Deps, MemoryPolicy
from nectar_memory.metrics import MemoryMetrics
from nectar_memory.recall import recall, record_format

DATA = Path(__file__).parent / "data"
CHARACTER = "luna"
LATIN = {"en", "es", "fr", "de", "it", "pt", "pl", "nl", "tr"}
CJK = {"ja", "zh", "ko"}
RTL = {"ar", "he"}
LANGUAGES = {"en", "ru", "ja", "zh", "ko", "es", "fr", "de", "it", "pt", "pl", "hi", "ar",
             "he", "nl", "tr", "uk"}
RANKINGS: dict[str, RankingPolicy] = {
    "dense": RankingPolicy(ranking="dense"),
    "hybrid": RankingPolicy(),
    "hub_only": RankingPolicy(concept_weight=0.0),
    "about_only": RankingPolicy(hub_weight=0.0),
}
K = 3


@dataclass
class Summary:
    month: str
    lang: str
    tag: str
    text: str


@dataclass
class Question:
    lang: str
    tag: str
    text: str


@dataclass
class User:
    id: int
    split: str
    summaries: list[Summary] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def load() -> list[User]:
    users: list[User] = []
    for path in sorted(DATA.glob("recall_histories_*.txt")):
        user: User | None = None
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            where = f"{path.name}:{number}"
            if line.startswith("@user"):
                _, uid, split = line.split()
                if split not in ("tune", "heldout"):
                    raise SystemExit(f"{where}: split must be tune or heldout")
                user = User(int(uid), split)
                users.append(user)
                continue
            if user is None or " | " not in line:
                raise SystemExit(f"{where}: not a summary or question line")
            head, text = line.split(" | ", 1)
            parts = head.split()
            if parts[0] == "?":
                user.questions.append(Question(parts[1], parts[2], text))
            else:
                user.summaries.append(Summary(parts[0], parts[1], parts[2], text))
    for user in users:  # every question names exactly one summary; languages are known
        tags = [s.tag for s in user.summaries]
        for q in user.questions:
            if tags.count(q.tag) != 1:
                raise SystemExit(f"user {user.id}: question tag {q.tag!r} matches "
                                 f"{tags.count(q.tag)} summaries")
        for lang in [s.lang for s in user.summaries] + [q.lang for q in user.questions]:
            if lang not in LANGUAGES:
                raise SystemExit(f"user {user.id}: unknown language {lang!r}")
    return users


def pair_groups(doc_lang: str, q_lang: str) -> list[str]:
    if doc_lang == q_lang:
        groups = ["same_language"]
    elif doc_lang in LATIN and q_lang in LATIN:
        groups = ["latin_latin"]
    elif doc_lang in LATIN or q_lang in LATIN:
        groups = ["latin_nonlatin"]
    else:
        groups = ["nonlatin_nonlatin"]
    if doc_lang != q_lang and (doc_lang in CJK or q_lang in CJK):
        groups.append("cjk_involved")
    if doc_lang != q_lang and (doc_lang in RTL or q_lang in RTL):
        groups.append("rtl_involved")
    return groups


def scores(ranks: list[int]) -> dict[str, Any]:
    n = len(ranks)
    return {"n": n,
            "recall_at_1": round(sum(r == 1 for r in ranks) / n, 4) if n else None,
            "recall_at_3": round(sum(r <= 3 for r in ranks) / n, 4) if n else None,
            "mrr": round(sum(1 / r for r in ranks) / n, 4) if n else None}


async def store_all(users: list[User], deps: Deps) -> None:
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for user in users:
        for window, s in enumerate(user.summaries):
            event = SummaryWritten.new(
                producer="bench", user_id=user.id, chat_id=user.id, character=CHARACTER,
                session="s1", window=window, text=s.text, model="bench", imported=True)
            # months apart, in order (the import path stamps "now"; the order is kept)
            event = event.model_copy(update={"occurred_at": base.replace(
                year=int(s.month[:4]), month=int(s.month[5:7]))})
            await handlers.store_summary(event, deps)


async def evaluate(users: list[User], deps: Deps, policy: RankingPolicy,
                   rounds: int) -> dict[str, Any]:
    by_split: dict[str, dict[str, list[int]]] = {}
    with_embedding: list[float] = []
    retrieval: list[float] = []
    cpu: list[float] = []
    misses: list[dict[str, Any]] = []
    for user in users:
        for q in user.questions:
            target = next(s for s in user.summaries if s.tag == q.tag)
            t, c = time.perf_counter(), time.process_time()
            hits = await recall(deps.embedder, deps.index, policy, user.id, CHARACTER, q.text,
                                len(user.summaries))
            with_embedding.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            texts = [h.text for h in hits]
            position = texts.index(target.text) + 1 if target.text in texts else 10_000
            groups = by_split.setdefault(user.split, {})
            for g in ["all", *pair_groups(target.lang, q.lang)]:
                groups.setdefault(g, []).append(position)
            if position > 1 and user.split == "tune":
                misses.append({"q": q.text, "want": target.text[:70],
                               "got": texts[0][:70] if texts else None, "rank": position})
    # retrieval alone: the per-turn work after the embedding (index + ranking)
    vectors = {}
    for user in users:
        for q in user.questions:
            [vectors[(user.id, q.text)]] = await deps.embedder.embed([q.text], query=True)
    for _ in range(rounds):
        for user in users:
            for q in user.questions:
                vec = vectors[(user.id, q.text)]
                t = time.perf_counter()
                if policy.ranking == "dense":
                    await deps.index.query(user.id, CHARACTER, vec, 4)
                else:
                    found = await deps.index.candidates(user.id, CHARACTER, vec,
                                                        policy.candidates)
                    rank(found, concepts_in(q.text), policy, 4)
                retrieval.append((time.perf_counter() - t) * 1000)
    out: dict[str, Any] = {
        split: {g: scores(r) for g, r in sorted(groups.items())}
        for split, groups in sorted(by_split.items())}
    out["latency"] = {
        "retrieval_p50_ms": round(statistics.median(retrieval), 3),
        "retrieval_p99_ms": round(pct(retrieval, 0.99), 3),
        "with_embedding_p50_ms": round(statistics.median(with_embedding), 3),
        "with_embedding_p99_ms": round(pct(with_embedding, 0.99), 3),
        "process_cpu_per_query_ms": round(statistics.mean(cpu), 3)}
    out["tuning_misses"] = misses[:40]
    return out


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    users = load()
    n_q = sum(len(u.questions) for u in users)
    log(f"{len(users)} users, {sum(len(u.summaries) for u in users)} summaries, {n_q} "
        "questions")
    tmp = tempfile.TemporaryDirectory(prefix="nectar-bench-recall-")
    stack, config = start_stack(Path(tmp.name), ["chroma"])
    try:
        embedder = E5Embedder(threads=args.threads)
        index = ChromaVectorIndex(chroma_url(config), "bench_recall",
                                  embedder_name=f"{embedder.name}+{record_format()}",
                                  dimension=embedder.dimension, timeout_s=30, shards=32)
        await index.start()
        deps = Deps(store=FakeMemoryStore(), index=index, embedder=embedder,
                    metrics=MemoryMetrics(CollectorRegistry()),
                    policy=MemoryPolicy(top_k=4))
        t = time.perf_counter()
        await store_all(users, deps)
        log(f"stored in {time.perf_counter() - t:.1f}s (reference bank included)")
        results = {}
        for name, policy in RANKINGS.items():
            log(f"[{name}] ...")
            results[name] = await evaluate(users, deps, replace(policy), args.rounds)
            h = results[name]["heldout"]["all"]
            log(f"[{name}] held-out r@1={h['recall_at_1']} r@3={h['recall_at_3']} "
                f"mrr={h['mrr']}; {results[name]['latency']}")
        await index.close()
    finally:
        stack.down()
        tmp.cleanup()
    pairs = {(s.lang, q.lang) for u in users for q in u.questions
             for s in u.summaries if s.tag == q.tag}
    head = {name: {split: {k: results[name][split]["all"][k]
                           for k in ("recall_at_1", "recall_at_3", "mrr")}
                   for split in ("heldout", "tune")} for name in RANKINGS}
    return {
        "bench": "recall", "users": len(users), "questions": n_q,
        "summaries_per_user": [min(len(u.summaries) for u in users),
                               max(len(u.summaries) for u in users)],
        "language_pairs": len(pairs),
        "cross_lingual_questions": sum(
            1 for u in users for q in u.questions
            if next(s for s in u.summaries if s.tag == q.tag).lang != q.lang),
        "heldout_recall_at_1": head["hybrid"]["heldout"]["recall_at_1"],
        "heldout_recall_at_3": head["hybrid"]["heldout"]["recall_at_3"],
        "baseline_heldout_recall_at_1": head["dense"]["heldout"]["recall_at_1"],
        "baseline_heldout_recall_at_3": head["dense"]["heldout"]["recall_at_3"],
        "summary": head,
        "by_group": {name: {split: {g: v for g, v in results[name][split].items()
                                    if g != "all"} for split in ("heldout", "tune")}
                     for name in ("dense", "hybrid")},
        "latency": {name: results[name]["latency"] for name in RANKINGS},
        "tuning_misses_hybrid": results["hybrid"]["tuning_misses"],
        "targets": {"heldout_recall_at_1": 0.80, "heldout_recall_at_3": 0.95,
                    "retrieval_p99_ms_at_10k_conversations": 50},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="passes over the questions for "
                    "retrieval latency (embedding excluded)")
    ap.add_argument("--threads", type=int, default=None, help="CPU threads of the e5 "
                    "engine (default: all cores)")
    args = ap.parse_args()
    print(json.dumps(asyncio.run(main_async(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
