"""Expressive preprocessing, table-driven in the 17 languages: fake tags go, emphasis, sounds
and words stay, ellipses become breaks, `<speak>` only around breaks, idempotent."""

from __future__ import annotations

import re

import pytest
from nectar_voice.domain import LANGUAGES, enrich, plain_text
from nectar_voice.domain.expressive import LONG_BREAK_S, SHORT_BREAK_S

BREAK = re.compile(r'<break time="([\d.]+)s"/>')

# (language, reply, must stay, must go)
CASES: list[tuple[str, str, list[str], list[str]]] = [
    ("en", 'She paused. [sigh] "Fine... you can come in." *laughs softly* You did *what?*',
     ["She paused.", "Fine", "you can come in.", "*what?*"],
     ["[sigh]", "sigh", "laughs", "softly"]),
    ("en", "(sighs) Mmm... ha-ha, you're right <laugh/> <emotion>laugh</emotion> ahh.",
     ["Mmm", "ha-ha", "you're right", "ahh."], ["sighs", "<laugh", "emotion", "laugh<"]),
    ("ru", "*улыбается* Привет... Как дела? (вздыхает) Ммм, хаха! Я *очень* рада.",
     ["Привет", "Как дела?", "Ммм", "хаха", "*очень*", "рада"], ["улыбается", "вздыхает"]),
    ("uk", "[сміється] Привіт... Я *дуже* сумувала. (зітхає) Ммм.",
     ["Привіт", "*дуже*", "сумувала", "Ммм"], ["сміється", "зітхає"]),
    ("ja", "（笑）そうですね……本当に？ *ため息* ふふ、*すごい*。",
     ["そうですね", "本当に？", "ふふ", "*すごい*"], ["（笑）", "ため息"]),
    ("zh", "你好……我很想你！[笑] (叹气) 哈哈，*真的*吗？",
     ["你好", "我很想你！", "哈哈", "*真的*"], ["[笑]", "叹气"]),
    ("ko", "(웃음) 안녕하세요... *한숨* 하하, *정말* 보고 싶었어요!",
     ["안녕하세요", "하하", "*정말*", "보고 싶었어요!"], ["웃음", "한숨"]),
    ("es", "*se ríe* Hola... ¿Cómo estás? (suspira) Jaja, *de verdad*.",
     ["Hola", "¿Cómo estás?", "Jaja", "*de verdad*"], ["ríe", "suspira"]),
    ("fr", "[rires] Bonjour... tu m'as manqué. (soupire) Hihi, *vraiment*.",
     ["Bonjour", "tu m'as manqué.", "Hihi", "*vraiment*"], ["rires", "soupire"]),
    ("de", "*lacht leise* Hallo... wie geht's? (seufzt) Hmm, *wirklich*.",
     ["Hallo", "wie geht's?", "Hmm", "*wirklich*"], ["lacht", "seufzt"]),
    ("it", "(ride) Ciao... mi sei mancato. *sospira* Ahah, *davvero*.",
     ["Ciao", "mi sei mancato.", "Ahah", "*davvero*"], ["ride", "sospira"]),
    ("pt", "*sorri* Olá... senti sua falta. (suspira) Hahaha, *mesmo*.",
     ["Olá", "senti sua falta.", "Hahaha", "*mesmo*"], ["sorri", "suspira"]),
    ("pl", "(śmieje się) Cześć... tęskniłam. *wzdycha* Hihi, *naprawdę*.",
     ["Cześć", "tęskniłam.", "Hihi", "*naprawdę*"], ["śmieje", "wzdycha"]),
    ("hi", "(हँसते हुए) नमस्ते... मुझे तुम्हारी याद आई। *आह भरती है* हाहा, *सच में*।",
     ["नमस्ते", "मुझे तुम्हारी याद आई।", "हाहा", "*सच में*"], ["हँसते", "आह भरती"]),
    ("ar", "(يضحك) مرحبا... اشتقت إليك. *تتنهد* ههههه، *حقا*.",
     ["مرحبا", "اشتقت إليك.", "ههههه", "*حقا*"], ["يضحك", "تتنهد"]),
    ("he", "(צוחקת) שלום... התגעגעתי. *נאנחת* חחח, *באמת*.",
     ["שלום", "התגעגעתי.", "חחח", "*באמת*"], ["צוחקת", "נאנחת"]),
    ("nl", "*lacht* Hallo... ik heb je gemist. (zucht) Haha, *echt*.",
     ["Hallo", "ik heb je gemist.", "Haha", "*echt*"], ["lacht", "zucht"]),
    ("tr", "(güler) Merhaba... seni özledim. *iç çeker* Hahaha, *gerçekten*.",
     ["Merhaba", "seni özledim.", "Hahaha", "*gerçekten*"], ["güler", "iç çeker"]),
]


def test_every_language_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(LANGUAGES)


@pytest.mark.parametrize(("language", "reply", "keep", "drop"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_strips_fake_tags_and_keeps_speech(language: str, reply: str, keep: list[str],
                                           drop: list[str]) -> None:
    out = enrich(reply, language)
    for word in keep:
        assert word in out.text, (word, out.text)
    for tag in drop:
        assert tag not in out.text, (tag, out.text)
    # the ellipsis became a break, so the whole is wrapped in <speak>
    assert out.text.startswith("<speak>") and out.text.endswith("</speak>")
    assert BREAK.search(out.text) and "..." not in out.text and "…" not in out.text
    assert out.breaks == len(BREAK.findall(out.text))


@pytest.mark.parametrize(("language", "reply"), [(c[0], c[1]) for c in CASES],
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_idempotent(language: str, reply: str) -> None:
    once = enrich(reply, language)
    assert enrich(once.text, language) == once
    assert plain_text(once.text, language) == plain_text(reply, language)


@pytest.mark.parametrize(("language", "reply"), [(c[0], c[1]) for c in CASES],
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_plain_text_has_no_markup_and_keeps_the_pause(language: str, reply: str) -> None:
    out = plain_text(reply, language)
    assert "<" not in out and "*" not in out and "[" not in out
    assert out
    assert any(p in out for p in (",", "，", "、", "،", ".", "。"))


def test_speak_wrapper_only_when_breaks_are_present() -> None:
    assert enrich("Hello there, how are you?").text == "Hello there, how are you?"
    assert enrich("Hello... there").text == '<speak>Hello<break time="0.3s"/> there</speak>'


def test_five_dots_give_a_longer_break_than_three() -> None:
    short = BREAK.findall(enrich("Well... maybe").text)
    long = BREAK.findall(enrich("Well..... maybe").text)
    assert [float(s) for s in short] == [SHORT_BREAK_S]
    assert [float(s) for s in long] == [LONG_BREAK_S]
    # in Chinese and Japanese "……" is the ordinary ellipsis
    assert [float(s) for s in BREAK.findall(enrich("好……吧", "zh").text)] == [SHORT_BREAK_S]
    assert [float(s) for s in BREAK.findall(enrich("好…………吧", "zh").text)] == [LONG_BREAK_S]


def test_existing_breaks_are_kept_clamped_and_normalised() -> None:
    text = enrich('<speak>Wait <BREAK time="30s" /> what <break time="500ms"/> '
                  'no <break strength="strong"/> yes</speak>').text
    assert [float(s) for s in BREAK.findall(text)] == [10.0, 0.5, 0.6]
    assert text.count("<speak>") == 1


def test_adjacent_breaks_merge_and_edge_breaks_go() -> None:
    text = enrich('... Hi... <break time="1s"/> there...').text
    assert text == '<speak>Hi<break time="1.3s"/> there</speak>'


@pytest.mark.parametrize("reply", ["🙂🙂😂", "[laughs]", "*sighs deeply*", "(laughs)", "...",
                                   "<laugh/> <emotion>joy</emotion>", "❤️‍🔥 👍🏽", "", "   ",
                                   "*giggles* [winks] (smiles)"])
def test_nothing_left_to_say_gives_empty_text(reply: str) -> None:
    assert enrich(reply).text == ""
    assert plain_text(reply) == ""


def test_emoji_are_dropped_but_words_stay() -> None:
    assert enrich("I love it 😍🔥 so much! 👍🏽").text == "I love it so much!"


def test_spelled_sounds_inside_tags_are_spoken() -> None:
    assert enrich("*ha-ha* that's funny [mmm]").text == "ha-ha that's funny mmm"


def test_ordinary_parentheticals_and_brackets_of_speech_stay() -> None:
    assert enrich("Meet me at noon (or later) near the fountain.").text \
        == "Meet me at noon (or later) near the fountain."


def test_emphasis_of_a_few_words_stays_but_long_actions_go() -> None:
    out = enrich("*I really mean it* and *so much*! *walks over to the window and opens it*")
    assert "*I really mean it*" in out.text and "*so much*" in out.text
    assert "window" not in out.text


def test_bold_markdown_becomes_emphasis_and_stray_asterisks_go() -> None:
    assert enrich("This is **important** * ok").text == "This is *important* ok"
