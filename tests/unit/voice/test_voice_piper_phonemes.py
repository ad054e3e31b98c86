"""The pure half of our Piper adapter: clause ends as espeak-ng finds them, Piper's
sentences and punctuation symbols, ids with BOS/PAD/EOS, and the voice config."""

from __future__ import annotations

import pytest
from nectar_voice.adapters.piper_onnx import PiperVoiceConfig, VoiceConfigError
from nectar_voice.adapters.piper_phonemes import (
    MAX_LINE_BYTES,
    Clause,
    clean_ipa,
    phoneme_ids,
    sentences,
    split_clauses,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("Hello, world.", [("Hello,", ",", False), ("world.", ".", True)]),
    ("Really?! Yes!!", [("Really?!", "?", True), ("Yes!!", "!", True)]),
    ("He left. then came back.", [("He left. then came back.", ".", True)]),
    ("He said \"hi.\" Then left", [("He said \"hi.\"", ".", True), ("Then left", "", False)]),
    ("end.\" next", [("end.\"", ".", True), ("next", "", False)]),
    ("Wait... what?", [("Wait...", "", False), ("what?", "?", True)]),
    ("Wow… fine", [("Wow…", "", False), ("fine", "", False)]),
    ("Hi.. Bye", [("Hi..", ".", True), ("Bye", "", False)]),
    ("x — y – z", [("x —", ";", False), ("y –", ";", False), ("z", "", False)]),
    ("x—y, 3.50 and 1,000: e.g. this", [("x—y,", ",", False),
                                        ("3.50 and 1,000:", ":", False),
                                        ("e.g. this", "", False)]),
    ("a;  b\n\nc", [("a;", ";", False), ("b c", "", False)]),
    ("", []), ("   ", []),
])
def test_clause_ends(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert [(c.text, c.terminator, c.ends_sentence) for c in split_clauses(text)] == expected


def test_a_clause_longer_than_a_line_is_cut_at_spaces() -> None:
    clauses = split_clauses("word " * 400 + "end.")
    assert len(clauses) >= 3
    assert all(len(c.text.encode()) <= MAX_LINE_BYTES for c in clauses)
    assert " ".join(c.text for c in clauses) == ("word " * 400 + "end.")
    assert clauses[-1].terminator == "." and not clauses[0].terminator


def test_sentences_keep_punctuation_and_decompose() -> None:
    clauses = [Clause("Hello,", ",", False), Clause("café.", ".", True),
               Clause("Wait...", "", False), Clause("what?", "?", True)]
    out = sentences(clauses, ["həlˈoʊ", "kæfˈeɪ", "wˈeɪt", "wˈʌt"])
    assert ["".join(s) for s in out] == ["həlˈoʊ, kæfˈeɪ.", "wˈeɪtwˈʌt?"]
    decomposed = sentences([Clause("x")], ["é"])
    assert decomposed == [["e", "\u0301"]]
    assert sentences([Clause("_")], [""]) == []


def test_vowel_clusters_merge() -> None:
    out = sentences([Clause("x")], ["aɪb"], frozenset({("a", "ɪ")}))
    assert out == [["aɪ", "b"]]


def test_language_marks_are_dropped_and_lines_joined() -> None:
    assert clean_ipa(["(fr)bɔ̃ʒˈuʁ(en) ", " wˈʌn"]) == "bɔ̃ʒˈuʁwˈʌn"


def test_ids_have_bos_pad_eos_and_skip_unknown_symbols() -> None:
    id_map = {"^": [1], "$": [2], "_": [0], "a": [14], "b": [15], " ": [3]}
    assert phoneme_ids(["a", " ", "b", "ʔ"], id_map) == [1, 0, 14, 0, 3, 0, 15, 0, 2]


CONFIG = {"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"},
          "inference": {"noise_scale": 0.5, "length_scale": 1.1, "noise_w": 0.7},
          "num_speakers": 1, "phoneme_id_map": {"^": [1], "$": [2], "_": [0], "a": [14]}}


def test_voice_config() -> None:
    config = PiperVoiceConfig.from_dict(CONFIG)
    assert (config.sample_rate, config.espeak_voice, config.noise_scale,
            config.length_scale, config.noise_w) == (22050, "en-us", 0.5, 1.1, 0.7)
    with pytest.raises(VoiceConfigError, match="phoneme_type"):
        PiperVoiceConfig.from_dict({**CONFIG, "phoneme_type": "pinyin"})
    with pytest.raises(VoiceConfigError, match="lacks"):
        PiperVoiceConfig.from_dict({**CONFIG, "phoneme_id_map": {"a": [1]}})
    with pytest.raises(VoiceConfigError, match="not a Piper voice config"):
        PiperVoiceConfig.from_dict({"audio": {}})
