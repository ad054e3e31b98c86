"""Every user-facing string exists in all 17 languages, with the same placeholders."""

from __future__ import annotations

import string

import pytest
from nectar_edge.domain.i18n import (
    _HELP_COMMANDS,
    LANGUAGE_NAMES,
    LANGUAGES,
    STRINGS,
    translate,
)

SUPPORTED = ("en", "ru", "ja", "zh", "ko", "es", "fr", "de", "it", "pt", "pl", "hi", "ar",
             "he", "nl", "tr", "uk")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_seventeen_languages_are_supported_and_named() -> None:
    assert set(LANGUAGES) == set(SUPPORTED) and len(LANGUAGES) == 17
    assert set(LANGUAGE_NAMES) == set(SUPPORTED)


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_key_exists_in_every_language(language) -> None:
    missing = set(STRINGS["en"]) - set(STRINGS.get(language, {}))
    extra = set(STRINGS.get(language, {})) - set(STRINGS["en"])
    assert not missing, f"{language} lacks {sorted(missing)}"
    assert not extra, f"{language} has unknown keys {sorted(extra)}"


@pytest.mark.parametrize("language", SUPPORTED)
def test_translations_keep_the_placeholders_and_are_not_english_copies(language) -> None:
    for key, english in STRINGS["en"].items():
        text = STRINGS[language][key]
        assert text.strip(), f"{language}.{key} is empty"
        assert _fields(text) == _fields(english), f"{language}.{key} placeholders differ"
    if language != "en":
        same = [k for k, v in STRINGS[language].items() if v == STRINGS["en"][k]]
        assert not same, f"{language} copies English for {same}"


@pytest.mark.parametrize("language", SUPPORTED)
def test_help_lists_every_command_in_every_language(language) -> None:
    text = STRINGS[language]["help"]
    for command in _HELP_COMMANDS:
        assert command in text, f"{language} help lacks {command}"


def test_a_missing_language_or_key_falls_back_to_english() -> None:
    assert translate("voice_on", "sw") == STRINGS["en"]["voice_on"]
    assert translate("voice_on", "pt-BR") == STRINGS["pt"]["voice_on"]
    assert translate("greeting", "ja", character="Luna").startswith("こんにちは、Luna")
