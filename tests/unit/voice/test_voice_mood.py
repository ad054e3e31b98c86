"""The mood detector picks `temperature` and `speakingRate` within the provider's ranges."""

from __future__ import annotations

import pytest
from nectar_voice.domain import ProsodyRange, detect_mood, enrich


@pytest.mark.parametrize(("language", "reply", "mood"), [
    ("en", "OMG I LOVE this!!! It's amazing, finally!", "excited"),
    ("ru", "Ура!!! Я ОБОЖАЮ это! Потрясающе!", "excited"),
    ("es", "¡Me encanta! ¡Increíble! ¡Por fin!", "excited"),
    ("ja", "やった！大好き！最高！", "excited"),
    ("en", "Ha-ha, you're funny! Hehe.", "playful"),
    ("de", "Haha, du bist lustig! Hihi.", "playful"),
    ("en", "I'm sorry... I miss you... it's okay, I'm here.", "tender"),
    ("fr", "Désolé... tu me manques... bonne nuit.", "tender"),
    ("zh", "对不起……我想你……晚安。", "tender"),
    ("en", "The museum opens at nine and closes at five.", "neutral"),
    ("tr", "Müze dokuzda açılır ve beşte kapanır.", "neutral"),
])
def test_mood_by_cues(language: str, reply: str, mood: str) -> None:
    assert enrich(reply, language).prosody.mood == mood


def test_excited_is_faster_and_warmer_than_tender() -> None:
    excited = enrich("WOW!!! I love it! Amazing!").prosody
    tender = enrich("I'm sorry... I miss you... good night.").prosody
    neutral = enrich("The train leaves at noon.").prosody
    assert excited.speaking_rate > neutral.speaking_rate > tender.speaking_rate
    assert excited.temperature > neutral.temperature > tender.temperature


@pytest.mark.parametrize("reply", ["WOW!!! YES!!! AMAZING!!!", "sorry... sad... tired... alone...",
                                   "plain words", "ha-ha " * 30])
def test_within_the_providers_range(reply: str) -> None:
    prosody = enrich(reply).prosody
    assert 0.5 <= prosody.speaking_rate <= 1.5
    assert 0 < prosody.temperature <= 2


def test_a_narrower_provider_range_clamps() -> None:
    narrow = ProsodyRange(min_rate=0.95, max_rate=1.05, min_temperature=1.0, max_temperature=1.2)
    excited = detect_mood("WOW!!! I LOVE IT!!!", "en", narrow)
    tender = detect_mood("sorry... I miss you... good night...", "en", narrow)
    assert excited.speaking_rate == 1.05 and excited.temperature == 1.2
    assert tender.speaking_rate == 0.95 and tender.temperature == 1.0
