"""Salvage of partially refused output: the labelled corpus (tuning split, a fixed sample:
the whole split runs in bench/salvage_eval.py), each class of issue 15 on its own, the
sentence classifier (real, and faked to pin down how it combines with the cues), the
150-character gate, JSON, sentence ends, explanations and the properties that hold for any
text and any classifier output (never crashes, never invents text)."""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_fakes import FakeSentenceScorer
from nectar_llm.domain.salvage import (
    LANGUAGES,
    MIN_SALVAGE_CHARS,
    analyse,
    contains_refusal,
    explain,
    extract_json_content,
    is_refusal_sentence,
    salvage,
    split_sentences,
    truncate_to_sentence_end,
    use_scorer,
)
from nectar_llm.domain.salvage_semantic import WEIGHTS_FILE, E5SentenceScorer
from salvage_corpus import NEGATIVE_STYLES, REFUSAL_STYLES, SPLITS, corpus, languages, load

TUNE = corpus("tune")
HELDOUT = corpus("heldout")
#: one tuning case in SAMPLE, every language represented (embedding every sentence of the
#: split takes many minutes on two busy cores; the benchmark runs it whole)
SAMPLE = 40
TUNE_SAMPLE = TUNE[::SAMPLE]


@contextmanager
def scoring_with(scorer):
    previous = use_scorer(scorer)
    try:
        yield scorer
    finally:
        use_scorer(previous)

STORY = ("*Luna sets two cups of jasmine tea on the railing and points at the sky.* See that "
         "faint smudge just above the roof? That's the Andromeda galaxy, two and a half million "
         "years of light landing in your eyes tonight. Stay a little longer and I'll show you "
         "Saturn's rings.")
UK_STORY = ("Ми сиділи на даху до самого світанку, загортаючись в один плед і рахуючи літаки, "
            "що злітали з далекого аеропорту. Ти заснув у мене на плечі, а я так і не "
            "наважилася тебе розбудити.")


# --- the corpus ------------------------------------------------------------------------------

def test_corpus_covers_17_languages_15_styles_hard_negatives_and_the_gate() -> None:
    for split in SPLITS:
        assert set(languages(split)) == set(LANGUAGES), split
    assert len(LANGUAGES) == 17
    tune_styles = {c.style for c in TUNE}
    assert len(tune_styles & set(REFUSAL_STYLES)) >= 15
    assert len({c.style for c in HELDOUT} & set(REFUSAL_STYLES)) >= 15
    for lang in LANGUAGES:
        mine = [c for c in TUNE if c.language == lang]
        styles = {c.style for c in mine}
        assert len(styles & set(REFUSAL_STYLES)) >= 15, lang
        assert set(NEGATIVE_STYLES) <= styles, lang  # hard negatives in every language
        assert {"gate_150", "second_language"} <= styles, lang
        assert {"json", "json_fenced", "json_cut"} <= {c.shape for c in mine}, lang
        gate = [c for c in mine if c.style == "gate_150"]
        assert any(c.expected is None for c in gate) and any(c.expected for c in gate), lang


def test_heldout_pieces_are_not_in_the_tuning_split() -> None:
    for lang in LANGUAGES:
        tune, held = load("tune", lang), load("heldout", lang)
        tune_texts = set(tune.stories) | {p.text for p in tune.refusals + tune.negatives}
        held_texts = set(held.stories) | {p.text for p in held.refusals + held.negatives}
        assert not tune_texts & held_texts, lang


@pytest.mark.timeout(900)
def test_tuning_split_matches_its_labels() -> None:
    assert {c.language for c in TUNE_SAMPLE} == set(LANGUAGES)
    results = [(c.id, salvage(c.text), c.expected) for c in TUNE_SAMPLE]
    positives = [r for r in results if r[1] is not None]
    labelled = [r for r in results if r[2] is not None]
    right = [r for r in positives if r[1] == r[2]]
    wrong = [(i, got, want) for i, got, want in results if got != want]
    detail = "\n".join(f"{i}: got {g!r:.90} want {e!r:.90}" for i, g, e in wrong[:5])
    # the tuning split is what the cues and the classifier were fitted on: nearly all of it
    assert len(right) >= 0.98 * len(positives), detail
    assert len(right) >= 0.95 * len(labelled), detail


@pytest.mark.timeout(600)
def test_a_salvaged_story_survives_salvage_unchanged() -> None:
    kept = sorted({c.expected for c in TUNE_SAMPLE if c.expected is not None})
    changed = [k for k in kept if salvage(k) != k]
    assert len(changed) <= 0.02 * len(kept), changed[:3]


# --- issue 15, class by class ----------------------------------------------------------------

def test_soft_refusal_and_redirect_in_the_same_paragraph_are_cut() -> None:
    story = ("The reception hall was loud with clinking glasses and someone's uncle attempting "
             "a speech in three languages at once. The bride rolled her eyes, and the groom's "
             "grandmother is still laughing.")
    text = (f"{story} Let's keep our conversation respectful. Is there something else you'd "
            "like to talk about?")
    assert salvage(text) == story


@pytest.mark.parametrize("tail", [
    "*I'm not comfortable continuing this scene. Maybe we could pick up the next morning?*",
    "\n\nI'm sorry, but I can't continue with this roleplay.",
    "(I'd rather not take the story in that direction, so I'll stop here.)",
    "[OOC: I can't write this part of the scene. Want to skip ahead to the next day?]",
    "Hmm, I think I need to pause here. I can't continue this scene.",
    "\n\n---\n\nI'm not able to continue this.",
    "\n\n***\n\nAs an AI, I have to keep things within my content guidelines.",
], ids=["italics", "blank-line", "parentheses", "ooc-note", "lead-in", "rule", "stars-rule"])
def test_refusals_in_other_shapes_are_cut(tail) -> None:
    sep = "" if tail.startswith("\n") else " "
    assert salvage(f"{STORY}{sep}{tail}") == STORY


def test_a_disclaimer_in_another_language_is_cut() -> None:
    text = f"{UK_STORY}\n\nI'm sorry, but I can't continue this roleplay in that direction."
    assert salvage(text) == UK_STORY


@pytest.mark.parametrize("story", [
    ('"I can\'t help smiling when you talk like that," she admitted, hiding her face behind '
     'the menu. "It\'s ridiculous. I won\'t be able to eat a single bite now." The waiter '
     "pretended not to notice."),
    ('"I can\'t keep doing this, Alex. I won\'t write to him again," Nora said, and tore the '
     "unfinished letter in two. Alex watched the pieces drift into the fireplace until the "
     "clock struck ten."),
    ("*He leans against the doorframe.* I'm not going to lie to you, the rent's late again. I "
     "can't help it if the landlord counts the days. But I won't leave this place, not after "
     "we painted every wall ourselves."),
    ("*She sets the chipped mug down.* I'm sorry about last night. I shouldn't have said those "
     "things about your brother, and I'm sorry I left without a word. Can we start over? I "
     "made pancakes."),
    ("The Guild's guidelines were clear: no apprentice could enter the lower archive alone. "
     "Wren read the notice twice. Policy or not, the map she needed was down there, and the "
     "watchman always fell asleep."),
    ("— Я не могу больше ждать, — сказала Лиза, застёгивая пальто. — И не буду. Если он не "
     "придёт к восьми, уеду одна. Она посмотрела на часы и всё-таки налила себе ещё чаю."),
    ("「もう待てないよ、ケン」とミサキは言った。「あの人には二度と手紙を書かない」ケンは何も答えず、"
     "ただ窓の外の雨を見ていた。駅の時計が九時を打ち、最後のバスがゆっくりと坂を下っていった。"
     "二人はしばらくそのまま黙っていた。雨音だけが部屋に残り、テーブルの上の紅茶はすっかり冷めて"
     "いた。ミサキは窓ガラスに指で小さな円を描き、それからそっと消した。"),
], ids=["dialogue-cant-help", "dialogue-wont-write", "rp-negation", "in-story-apology",
        "world-policy", "ru-dash-dialogue", "ja-kagi-quotes"])
def test_a_characters_own_words_are_never_cut(story) -> None:
    assert len(story) >= MIN_SALVAGE_CHARS
    assert salvage(story) == story
    assert not contains_refusal(story)
    assert salvage(f"{story}\n\nI'm sorry, but I can't continue with this.") == story


@pytest.mark.parametrize(("text", "first"), [
    ('"Stay," she said. "Please."', '"Stay," she said.'),
    ("“Don't go.” He smiled.", "“Don't go.”"),
    ("「また明日ね。」彼女は笑った。", "「また明日ね。」"),
    ("「また明日ね」\n彼女は笑った。", "「また明日ね」"),
    ("«Вернусь!» — и ушла.", "«Вернусь!»"),
])
def test_a_sentence_ends_inside_closing_quotes(text, first) -> None:
    assert split_sentences(text)[0].text.strip() == first


def test_a_refusal_after_closing_quotes_is_cut_at_the_quote() -> None:
    story = STORY + ' "Promise me you\'ll stay," she whispered.'
    assert salvage(f"{story} I can't continue with this roleplay.") == story
    ja = "「今夜は星がきれいだね。」" * 12
    assert salvage(f"{ja}申し訳ありませんが、この会話を続けることはできません。") == ja


def test_a_pure_refusal_is_never_salvaged_however_long() -> None:
    text = ("I'm sorry, but I can't continue with this story, because it goes beyond what I am "
            "able to write. I apologise for any inconvenience this may cause you tonight. As an "
            "AI, I have to follow my guidelines. Is there anything else I can help you with?")
    assert len(text) > MIN_SALVAGE_CHARS
    assert salvage(text) is None
    assert contains_refusal(text)


# --- the sentence classifier ------------------------------------------------------------------

def test_the_classifier_reads_refusals_apart_from_story_in_several_languages() -> None:
    scorer = E5SentenceScorer(threads=1)
    refusals = ["I'm not comfortable continuing this roleplay.",
                "Извини, но я не могу продолжать эту сцену.",
                "申し訳ありませんが、この続きは書けません。",
                "Lo siento, pero no puedo seguir con esta historia."]
    story = ["She set the kettle on the stove and hummed an old tune.",
             "Он закрыл дверь и долго смотрел в окно.",
             "雨はまだ止まず、駅のホームは静かだった。",
             "*Se ríe y te pasa la taza de chocolate.*"]
    probabilities = scorer.probabilities(refusals + story)
    assert probabilities is not None
    assert all(p > 0.5 for p in probabilities[:4]), probabilities
    assert all(p < 0.5 for p in probabilities[4:]), probabilities


def test_the_weights_are_the_tune_splits_and_fit_the_model() -> None:
    weights = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert len(weights["weights"]) == 384 and "bias" in weights
    assert "salvage_data/tune" in weights["trained_on"]
    assert "heldout" not in weights["trained_on"]


def test_a_refusal_no_cue_knows_is_cut_on_the_classifiers_word() -> None:
    aside = "The rest of this goes somewhere I'd rather leave unwritten."
    with scoring_with(FakeSentenceScorer({aside: 0.99}, default=0.05)):
        assert salvage(f"{STORY}\n\n{aside}") == STORY
    with scoring_with(FakeSentenceScorer({aside: 0.30}, default=0.05)):
        assert salvage(f"{STORY}\n\n{aside}") is not None
        assert aside in salvage(f"{STORY}\n\n{aside}")


def test_the_classifier_overrules_a_cue_in_a_characters_line() -> None:
    line = "I can't let you walk home alone in this storm."
    story = f"{STORY} *He grabs his coat.* {line}"
    with scoring_with(FakeSentenceScorer({line: 0.02}, default=0.05)):
        assert salvage(story) == story
        assert "semantic=0.02" in "\n".join(explain(story))


def test_story_far_from_the_end_is_never_cut_on_meaning_alone() -> None:
    middle = "Saturn's rings glitter like dust in the lamp light."
    text = f"{middle} {STORY}"
    fake = FakeSentenceScorer({middle: 0.999}, default=0.05)
    with scoring_with(fake):
        assert salvage(text) == text
    assert middle not in fake.asked  # no cue and not among the last sentences: not asked


def test_a_lone_surrogate_from_json_reaches_the_classifier_safely() -> None:
    raw = '{"content": "' + json.dumps(STORY)[1:-1] + ' \\ud800 I can\'t continue this."}'
    assert "\ud800" in extract_json_content(raw)
    assert salvage(raw) == STORY  # the real classifier: no UnicodeEncodeError


def test_without_the_classifier_salvage_runs_on_its_cues() -> None:
    with scoring_with(FakeSentenceScorer(available=False)):
        assert salvage(f"{STORY} I'm sorry, but I can't continue with this.") == STORY
        assert "semantic" not in "\n".join(explain(f"{STORY} I can't continue."))
    with scoring_with(None):
        assert salvage(f"{STORY}\n\nAs an AI, I can't write this scene.") == STORY


# --- the gate, fragments, JSON -----------------------------------------------------------------

def test_length_gate_is_exactly_150_characters() -> None:
    sentence = "The tide rolled in slowly over the warm sand."  # 45 chars
    at_gate = " ".join([sentence] * 3) + " " + "x" * (150 - 3 * 45 - 4) + "."
    assert len(at_gate) == 150
    assert salvage(at_gate + " I can't help with that.") == at_gate
    assert salvage(at_gate[1:] + " I can't help with that.") is None


def test_dangling_fragment_is_cut_to_the_last_sentence_end() -> None:
    assert truncate_to_sentence_end("One. Two! Three? And then she") == "One. Two! Three?"
    assert truncate_to_sentence_end("Она ушла. «Вернусь!» — и") == "Она ушла. «Вернусь!»"
    assert truncate_to_sentence_end("星がきれい。月も") == "星がきれい。"
    assert truncate_to_sentence_end("no end at all") == ""
    assert truncate_to_sentence_end("*She smiles.* Come here 😊") == "*She smiles.* Come here 😊"
    assert truncate_to_sentence_end("Line one\nand then the") == "Line one"


def test_a_quote_closing_the_last_sentence_ends_it_in_every_quoting_style() -> None:
    # the last sentence is a character's line: nothing of it is a dangling fragment
    for text in ("Il rit. « On part demain, à l'aube ! »",
                 "Sie lacht. „Kommst du morgen mit?“",
                 "Sie lacht. »Kommst du morgen mit?«",
                 "Śmieje się. „Jutro ruszamy!”",
                 "Hon skrattar. ”Vi ses i morgon.”",
                 "She laughs. 'See you tomorrow.'",
                 "Он смеётся. «Увидимся завтра!»"):
        assert truncate_to_sentence_end(text) == text, text
    # a quote opened and never closed is still a fragment
    assert truncate_to_sentence_end("Il se tourne. Puis il dit « Demain") == "Il se tourne."
    assert truncate_to_sentence_end("Sie dreht sich um. Dann sagt sie „Morgen") == \
        "Sie dreht sich um."


def test_json_content_is_extracted_whole_fenced_cut_short_or_nested() -> None:
    assert extract_json_content('{"content": "Hello \\"you\\".", "mood": 1}') == 'Hello "you".'
    assert extract_json_content('```json\n{"content": "Hi."}\n```') == "Hi."
    assert extract_json_content('{"mood": "x", "content": "Cut sho') == "Cut sho"
    assert extract_json_content('{"reply": "Hey."}') == "Hey."
    assert extract_json_content('{"choices": [{"message": {"content": "Yo."}}]}') == "Yo."
    assert extract_json_content('{"content": "caf\\u00e9 \\u00') == "café "
    assert extract_json_content("plain text") is None
    assert extract_json_content('{"content": 5}') is None


def test_json_wrapped_refusal_tail_is_cut_from_the_content() -> None:
    raw = json.dumps({"content": f"{STORY}\n\nI'm sorry, but I can't continue this.",
                      "emotion": "warm"})
    assert salvage(raw) == STORY


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_output_is_not_salvaged(text) -> None:
    assert salvage(text) is None
    assert not contains_refusal(text)


# --- explanations ----------------------------------------------------------------------------

def test_every_sentence_decision_is_explained_with_its_cues() -> None:
    lines = explain(f"{STORY} I'm sorry, but as an AI I can't continue with this.")
    assert any(line.startswith("story") and "Saturn" in line for line in lines)
    refusal = next(line for line in lines if line.startswith("REFUSAL"))
    assert "ai_identity=" in refusal and "refuse_act=" in refusal
    assert lines[-1].startswith("cut at offset")
    dialogue = explain('"I can\'t continue with this." She looked away.')
    assert dialogue[0].startswith("dialogue") and dialogue[1].startswith("story")


def test_salvage_logs_each_decision_at_debug(caplog) -> None:
    with caplog.at_level(logging.DEBUG, logger="nectar_llm.salvage"):
        salvage(f"{STORY} I can't continue with this roleplay.")
    messages = [r.getMessage() for r in caplog.records if r.name == "nectar_llm.salvage"]
    assert any("REFUSAL" in m for m in messages) and any("story" in m for m in messages)


def test_is_refusal_sentence_and_contains_refusal_agree_with_the_cut() -> None:
    assert is_refusal_sentence("I can't help with that request.")
    assert not is_refusal_sentence("I can't believe you came back.")
    assert analyse(f"{STORY} I can't continue.").refused == contains_refusal(
        f"{STORY} I can't continue.")


# --- properties --------------------------------------------------------------------------------

_FRAGMENTS = sorted({p.text for lang in LANGUAGES for p in load("tune", lang).refusals}
                    | {s for lang in LANGUAGES for s in load("tune", lang).stories}
                    | {p.text for lang in LANGUAGES for p in load("tune", lang).negatives})
_SEPARATORS = ["", " ", "\n", "\n\n", "\n\n---\n\n", " *", "* ", "(", ")", '"', "「", "」"]
_mixed = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.sampled_from(_SEPARATORS),
                            st.text(max_size=40)), max_size=8).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=600), _mixed,
                 _mixed.map(lambda t: json.dumps({"content": t})),
                 _mixed.map(lambda t: json.dumps({"content": t})[: len(t) // 2 + 14])))
def test_salvage_never_crashes_and_never_invents_text(text) -> None:
    # any classifier output (here a hash of the sentence), never the model: that is tested
    # above, and embedding hundreds of random texts would take minutes
    with scoring_with(FakeSentenceScorer()):
        result = salvage(text)
        contains_refusal(text)
    if result is None:
        return
    source = extract_json_content(text)
    source = text if source is None else source
    assert result == result.strip()
    assert len(result) >= MIN_SALVAGE_CHARS
    assert source.lstrip().startswith(result)  # a prefix of what the model wrote


class _CountingScorer:
    """Says 0.5 for every sentence and counts what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def probabilities(self, texts):  # type: ignore[no-untyped-def]
        self.asked.extend(texts)
        return [0.5] * len(texts)


def test_the_check_on_every_answer_asks_the_classifier_only_when_told_to() -> None:
    from nectar_llm.domain.salvage import check_with_classifier, contains_refusal, salvage

    story = ("The rain kept falling on the old harbour, drumming on the tin roofs of the "
             "fish market. Mara pulled her coat tighter, laughed at the gulls fighting over "
             "a crust, and waved to the ferryman.")
    answer = f"{story} I'm sorry, but I can't continue this scene."
    counting = _CountingScorer()
    previous = use_scorer(counting)
    try:
        assert contains_refusal(answer)  # the cues are enough for this one
        assert counting.asked == [], "the default check costs no embedding"
        check_with_classifier(True)
        try:
            contains_refusal(answer)
        finally:
            check_with_classifier(False)
        assert counting.asked, "switched on, the check asks the classifier"
        counting.asked.clear()
        assert salvage(answer) == story
        assert counting.asked, "salvage itself always asks it"
    finally:
        use_scorer(previous)
