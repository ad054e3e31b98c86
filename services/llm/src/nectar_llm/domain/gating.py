"""Content gating before any model call: the escalation class of a user's turn.

A small, pluggable classifier (the `EscalationClassifier` port; `KeywordClassifier` here)
rates the user's line as sfw < romantic < suggestive < explicit. The handler compares the
class with the plan's ceiling from the plan catalog (`nectar_contracts.plans`): over it, the character answers in
character under a constraint note and the reply carries an upsell hint for the edge. The
model never needs to know that plans exist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from nectar_llm.domain.routing import ESCALATION_ORDER

#: cue words per class (lower-case; matched as substrings of the lower-cased line, so they
#: cover inflections in the 17 languages well enough for a first gate)
DEFAULT_CUES: Mapping[str, tuple[str, ...]] = {
    "explicit": (
        "nsfw", "explicit", "naked", "nude", "undress", "have sex", "sex with", "porn",
        "обнаж", "раздень", "секс", "порно", "desnud", "sexo", "toute nue", "nackt",
        "nuda", "nudo", "pelad", "nagi ", "naga ", "seks", "裸", "セックス", "做爱", "性爱", "섹스", "알몸",
        "नग्न", "सेक्स", "عاري", "جنس", "עירום", "סקס", "naakt", "çıplak",
    ),
    "suggestive": (
        "lingerie", "seduce", "sexy", "take off", "in bed", "touch me", "соблазн", "сексуальн",
        "в постел", "seduc", "lencería", "séduire", "verführ", "sedurre", "sedu", "uwodz",
        "セクシー", "誘惑", "性感", "诱惑", "섹시", "유혹", "मोहक", "مثير", "סקסי", "verleid",
        "baştan çıkar", "спокус",
    ),
    "romantic": (
        "kiss", "cuddle", "hug me", "a date", "love you", "поцел", "обним", "люблю тебя", "beso",
        "besar", "te quiero", "embrass", "bisou", "je t'aime", "küss", "umarm", "bacio",
        "baciar", "ti amo", "beij", "te amo", "pocałun", "kocham", "キス", "抱きしめ", "愛してる",
        "亲吻", "拥抱", "爱你", "키스", "안아", "사랑해", "चुंबन", "प्यार", "قبلة", "أحبك",
        "נשיקה", "אוהב אותך", "kusje", "zoen", "knuffel", "öpücük", "öp beni", "sarıl", "seni seviyorum", "цілу", "кохаю",
    ),
}


class KeywordClassifier:
    """Escalation class of a line by cue words: the highest class with a cue present."""

    def __init__(self, cues: Mapping[str, tuple[str, ...]] = DEFAULT_CUES) -> None:
        unknown = set(cues) - set(ESCALATION_ORDER)
        if unknown:
            raise ValueError(f"unknown escalation classes {sorted(unknown)}")
        self._patterns = {
            level: re.compile("|".join(re.escape(c) for c in words))
            for level, words in cues.items() if words}

    def classify(self, text: str, language: str = "en") -> str:
        lowered = text.lower()
        for level in reversed(ESCALATION_ORDER):
            pattern = self._patterns.get(level)
            if pattern is not None and pattern.search(lowered):
                return level
        return "sfw"


def over_ceiling(escalation: str, ceiling: str) -> bool:
    """Whether a turn of class `escalation` goes past a plan's `ceiling`."""
    return ESCALATION_ORDER.index(escalation) > ESCALATION_ORDER.index(ceiling)


def ceiling_note(ceiling: str) -> str:
    """The per-turn constraint the model gets when the user goes past the plan's ceiling."""
    limit = {"sfw": "friendly and non-romantic", "romantic": "warm and romantic at most, "
             "nothing sexual", "suggestive": "flirtatious and suggestive at most, never "
             "explicit", "explicit": "as the scene needs"}[ceiling]
    return (f"Content limit for this turn: keep the reply {limit}. If the user pushes "
            "further, steer the scene elsewhere playfully and in character; never mention "
            "rules, limits, plans or payments.")
