"""Salvage of partially refused output: the labelled corpus (17 languages) and the rules."""

from __future__ import annotations

import json

import pytest
from nectar_llm.domain.salvage import (
    LANGUAGES,
    MIN_SALVAGE_CHARS,
    REFUSAL_MARKERS,
    contains_refusal,
    extract_json_content,
    is_refusal_sentence,
    salvage,
    truncate_to_sentence_end,
)
from salvage_corpus import PIECES, corpus

CASES = corpus()


def test_corpus_covers_every_language_with_every_shape() -> None:
    assert len(CASES) >= 200
    assert set(LANGUAGES) == set(PIECES) == set(REFUSAL_MARKERS) == {c.language for c in CASES}
    assert len(LANGUAGES) == 17
    kinds = {c.kind for c in CASES}
    for lang in LANGUAGES:
        assert {c.kind for c in CASES if c.language == lang} == kinds
    assert {"pure_refusal", "content_refusal_tail", "clean_content", "in_story_negation",
            "json_wrapped_refusal_tail", "short_refusal_tail"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_salvage_matches_the_label(case) -> None:
    assert salvage(case.text) == case.expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_refusal_sentence_is_a_refusal_and_no_story_line_is(lang) -> None:
    pieces = PIECES[lang]
    for refusal in pieces.refusals:
        assert is_refusal_sentence(refusal), refusal
    for text in (*pieces.story, pieces.negation, pieces.short):
        assert not contains_refusal(text), text


def test_in_story_negation_is_kept_whole() -> None:
    text = ("I can't believe you came back. I won't let you leave again, not this time, "
            "not after everything we went through together on that long and stormy winter "
            "road. I cannot stop smiling.")
    assert salvage(text) == text


def test_refusal_tail_is_cut_and_the_story_kept() -> None:
    story = PIECES["en"].story[0]
    assert salvage(f"{story} I'm sorry, but I can't continue with this roleplay.") == story


def test_pure_refusal_longer_than_the_gate_is_never_salvaged() -> None:
    text = ("I'm sorry, but I can't continue with this story, because it goes beyond what I "
            "am able to write. I apologise for any inconvenience this may cause you tonight. "
            "As an AI, I have to follow my guidelines.")
    assert len(text) > MIN_SALVAGE_CHARS
    assert salvage(text) is None


def test_lead_in_sentences_before_the_refusal_go_with_it() -> None:
    story = PIECES["en"].story[1]
    text = f"{story} Unfortunately, I have to stop here. I can't write the rest of this scene."
    assert salvage(text) == story


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


def test_json_content_is_extracted_whole_fenced_or_cut_short() -> None:
    assert extract_json_content('{"content": "Hello \\"you\\".", "mood": 1}') == 'Hello "you".'
    assert extract_json_content('```json\n{"content": "Hi."}\n```') == "Hi."
    assert extract_json_content('{"mood": "x", "content": "Cut sho') == "Cut sho"
    assert extract_json_content("plain text") is None
    assert extract_json_content('{"content": 5}') is None


def test_json_without_content_field_is_treated_as_text() -> None:
    raw = json.dumps({"text": "x" * 200})
    assert salvage(raw) is None  # no sentence end inside: nothing usable


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_output_is_not_salvaged(text) -> None:
    assert salvage(text) is None
