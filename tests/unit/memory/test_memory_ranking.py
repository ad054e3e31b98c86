"""Ranking of semantic memories (domain/ranking.py, domain/concepts.py) and its use in the
handlers' one recall path, against fakes."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from prometheus_client import CollectorRegistry

from nectar_contracts import SummaryWritten, TurnReceived
from nectar_memory import handlers
from nectar_memory.domain import Candidate, RankingPolicy
from nectar_memory.domain.concepts import concepts_in
from nectar_memory.domain.ranking import (
    bank_center,
    decode_about,
    encode_about,
    hubness,
    rank,
)
from nectar_memory.fakes import FakeEmbedder, FakeMemoryStore, FakeVectorIndex
from nectar_memory.handlers import Deps, MemoryPolicy
from nectar_memory.metrics import MemoryMetrics
from nectar_memory.recall import record_format, reference_questions

CHARACTER = "luna"


# -- who a text is about ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("When is my sister's wedding?", {"sister"}),
    ("Когда свадьба у моей двоюродной сестры?", {"cousin"}),
    ("Мой двоюродный брат женится", {"cousin"}),
    ("用户的表哥明年五月结婚", {"cousin"}),
    ("用户的姐姐十月办婚礼", {"sister"}),
    ("いとこの結婚式はいつ？", {"cousin"}),
    ("ابنة خالة المستخدم تزوجت", {"cousin"}),
    ("متى عيد ميلاد أبي؟", {"father"}),
    ("בת הדודה של המשתמש התחתנה", {"cousin"}),
    ("לאח של המשתמש יש כלבה", {"brother", "dog"}),
    ("उपयोगकर्ता के चचेरे भाई की शादी", {"cousin"}),
    ("मेरी माँ का जन्मदिन कब है?", {"mother"}),
    ("Kullanıcının kız kardeşi Elif evleniyor", {"sister"}),
    ("사용자의 언니는 고양이 나비를 키운다", {"sister", "cat"}),
    ("Les parents de l'utilisateur ont une chatte siamoise", {"parents", "cat"}),
    ("Die Ex-Freundin des Nutzers ist umgezogen", {"ex"}),
    ("Бывшая девушка пользователя", {"ex"}),
])
def test_concepts_name_people_and_animals_in_many_languages(text: str, expected: set) -> None:
    assert concepts_in(text) == expected


@pytest.mark.parametrize("text", [
    "Пользователь, который любит читать",   # "кот" inside "который"
    "Das war nicht hundert Prozent klar",   # Dutch "nicht", German "Hund"
    "Che lavoro facevo prima?",             # Spanish "prima" (cousin) is Italian "before"
    "The meeting is at 5 pm",               # Turkish "at" (horse)
    "",
])
def test_common_words_are_not_taken_for_people_or_animals(text: str) -> None:
    assert concepts_in(text) == frozenset()


def test_about_round_trips_through_one_metadata_string() -> None:
    assert decode_about(encode_about({"sister", "cat"})) == {"sister", "cat"}
    assert encode_about(set()) == "" and decode_about("") == frozenset()
    assert decode_about(None) == frozenset()


# -- scoring ------------------------------------------------------------------------------

def test_a_hub_summary_loses_to_a_specific_one() -> None:
    hub = Candidate("the user talked about their day", similarity=0.82, hub=0.05)
    specific = Candidate("the user's cat is called Miso", similarity=0.80, hub=-0.03)
    hybrid = rank([hub, specific], frozenset(), RankingPolicy(), k=2)
    assert [h.text for h in hybrid] == [specific.text, hub.text]
    dense = rank([hub, specific], frozenset(), RankingPolicy(ranking="dense"), k=2)
    assert [h.text for h in dense] == [hub.text, specific.text]


def test_the_memory_about_the_asked_person_wins_a_close_call() -> None:
    cousin = Candidate("cousin Mark marries in May", similarity=0.84, about=frozenset({"cousin"}))
    sister = Candidate("sister Anna marries in June", similarity=0.85,
                       about=frozenset({"sister"}))
    best = rank([sister, cousin], frozenset({"cousin"}), RankingPolicy(), k=1)
    assert [h.text for h in best] == [cousin.text]
    # a wide gap in meaning is not overturned by a shared person
    far = Candidate("cousin Mark likes jazz", similarity=0.70, about=frozenset({"cousin"}))
    assert rank([sister, far], frozenset({"cousin"}), RankingPolicy(), k=1)[0].text == \
        sister.text


def test_scores_stay_in_the_contract_range_and_k_is_respected() -> None:
    cands = [Candidate(f"m{i}", similarity=s, hub=h, about=frozenset({"cat"}))
             for i, (s, h) in enumerate([(0.99, -0.5), (0.1, 0.9), (0.5, 0.0)])]
    hits = rank(cands, frozenset({"cat"}), RankingPolicy(), k=2)
    assert len(hits) == 2
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert rank(cands, frozenset(), RankingPolicy(), k=0) == []


def test_hubness_is_the_mean_similarity_to_the_nearest_bank_rows() -> None:
    bank = np.eye(4, dtype=np.float32)
    near_all = np.full(4, 0.5, dtype=np.float32)  # equally close to every bank row
    near_one = np.array([1, 0, 0, 0], dtype=np.float32)
    assert hubness(near_all, bank, k=4)[0] == pytest.approx(0.5)
    assert hubness(near_one, bank, k=4)[0] == pytest.approx(0.25)
    assert hubness(near_one, bank, k=1)[0] == pytest.approx(1.0)
    assert bank_center(bank, k=2) == pytest.approx(0.0)


def test_the_record_format_names_the_bank_and_the_lexicon() -> None:
    assert len(reference_questions()) > 150
    fmt = record_format()
    assert fmt.startswith("recall-v1-") and fmt == record_format()
    assert record_format(RankingPolicy(hub_k=10)) != fmt  # stored hubness depends on k


# -- through the handlers -------------------------------------------------------------------

def _deps(ranking: str = "hybrid") -> Deps:
    # hub_weight 0: the hubness of a lexical fake embedder means nothing (the real one is
    # measured by bench/recall.py and tests/integration/memory/test_memory_recall.py)
    return Deps(store=FakeMemoryStore(), index=FakeVectorIndex(), embedder=FakeEmbedder(4096),
                metrics=MemoryMetrics(CollectorRegistry()),
                policy=MemoryPolicy(top_k=1, ranking=RankingPolicy(ranking=ranking,
                                                                   hub_weight=0.0)))


async def _store(deps: Deps, user: int, window: int, text: str) -> None:
    await handlers.store_summary(SummaryWritten.new(
        producer="test", user_id=user, chat_id=user, character=CHARACTER, session="s0",
        window=window, text=text, model="m", imported=True), deps)  # an earlier session


async def test_stored_summaries_carry_their_annotations() -> None:
    deps = _deps()
    user = uuid.uuid4().int % 10**9 + 1
    await _store(deps, user, 0, "The user's sister Anna marries in June.")
    [(record, _)] = deps.index.records.values()
    assert record.about == {"sister"}
    assert record.hub is not None


@pytest.mark.parametrize("ranking", ["hybrid", "dense"])
async def test_the_turn_context_picks_the_memory_about_the_asked_person(ranking: str) -> None:
    """A Russian question against English summaries shares no word with either (the fake
    embedder is lexical): only knowing whom each is about can pick the right one."""
    deps = _deps(ranking)
    user = uuid.uuid4().int % 10**9 + 1
    await _store(deps, user, 0, "The user's sister Anna marries in June in Porto.")
    await _store(deps, user, 1, "The user's cousin Mark marries in May near York.")
    turn = TurnReceived.new(producer="test", user_id=user, chat_id=user, character=CHARACTER,
                            session="s1", text="Когда свадьба у моего двоюродного брата?",
                            language="ru", plan="free", reply_mode="text")
    [ctx] = await handlers.build_context(turn, deps)
    if ranking == "hybrid":
        assert [m.text for m in ctx.memories] == [
            "The user's cousin Mark marries in May near York."]
    else:  # the cosine order alone has nothing to go on: both score 0, index order
        assert [m.text for m in ctx.memories] == [
            "The user's sister Anna marries in June in Porto."]
