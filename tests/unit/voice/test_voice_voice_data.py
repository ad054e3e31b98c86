"""Pronunciation dictionaries, the voice catalog (shipped files included) and the cache key."""

from __future__ import annotations

from pathlib import Path

import pytest
from nectar_voice.domain import (
    CatalogError,
    Gender,
    Pronunciation,
    PronunciationDictionary,
    Prosody,
    VoiceCatalog,
    VoiceChoice,
    cache_key,
)
from nectar_voice.settings import DEFAULT_CATALOG_FILE, DEFAULT_PRONUNCIATION_FILE
from nectar_voice.voice_data import load_catalog, load_pronunciations

LUNA = PronunciationDictionary("luna", "v1", (
    Pronunciation("Betelgeuse", "Beetlejuice", "ˈbiːtəldʒuːs"),
    Pronunciation("Io", "Eye-oh", "ˈaɪoʊ", frozenset({"en"})),
    Pronunciation("Luna Lovely", "Loona Lovely"),
    Pronunciation("Luna", "Loona"),
    Pronunciation("星野", "ほしの"),
))


def test_respelling_for_whole_words_case_insensitively() -> None:
    assert LUNA.apply("betelgeuse and io, Io! iOS, Ionic", "en") \
        == "Beetlejuice and Eye-oh, Eye-oh! iOS, Ionic"


def test_ipa_when_the_engine_takes_it() -> None:
    assert LUNA.apply("Betelgeuse glows.", "en", ipa=True) == "/ˈbiːtəldʒuːs/ glows."
    # no IPA for this entry: respelling even for an IPA engine
    assert LUNA.apply("Luna", "en", ipa=True) == "Loona"


def test_entries_limited_to_languages_and_longest_term_first() -> None:
    assert LUNA.apply("Io", "ru") == "Io"
    assert LUNA.apply("Luna Lovely sings", "en") == "Loona Lovely sings"


def test_markup_is_left_alone_and_unspaced_scripts_match_anywhere() -> None:
    dictionary = PronunciationDictionary("x", "1", (Pronunciation("time", "tyme"),))
    assert dictionary.apply('A <break time="1s"/> time', "en") == 'A <break time="1s"/> tyme'
    assert LUNA.apply("私は星野です", "ja") == "私はほしのです"


def test_invalid_entries_are_refused() -> None:
    with pytest.raises(ValueError):
        Pronunciation("", "x")
    with pytest.raises(ValueError):
        Pronunciation("Nyx", "Nicks", "/nɪks/")


def test_shipped_catalog_and_dictionaries_load() -> None:
    catalog = load_catalog(DEFAULT_CATALOG_FILE)
    book = load_pronunciations(DEFAULT_PRONUNCIATION_FILE)
    assert catalog.version and book.version
    for character in ("default", "luna", "kai", "mira"):
        assert catalog.voice_for(character, "en", "inworld") is not None
        assert catalog.voice_for(character, "uk", "espeak") is not None
    assert catalog.gender("kai") is Gender.MALE and catalog.gender("luna") is Gender.FEMALE
    # an unknown character speaks with the default character's voices
    assert catalog.voice_for("nobody", "fr", "inworld") == VoiceChoice(
        "inworld", "Hélène", "inworld-tts-1.5-max")
    # Piper is only English, shared through the default character
    assert catalog.voice_for("mira", "en", "piper") is not None
    assert catalog.voice_for("mira", "ru", "piper") is None
    assert book.for_character("luna").apply("Luna", "en") == "Loona"


@pytest.mark.parametrize(("data", "message"), [
    ({"engines": {}, "characters": {}}, "version"),
    ({"version": "1", "engines": {"x": {}}, "characters": {"default": {"gender": "robot"}}},
     "gender"),
    ({"version": "1", "engines": {}, "characters": {"default": {
        "gender": "male", "voices": {"inworld": {"en": "A"}}}}}, "unknown engine"),
    ({"version": "1", "engines": {"x": {}}, "characters": {"default": {
        "gender": "male", "voices": {"x": {"xx": "A"}}}}}, "unknown language"),
    ({"version": "1", "engines": {"x": {}}, "characters": {"luna": {"gender": "female"}}},
     "default_character"),
])
def test_invalid_catalog_names_the_problem(data: dict, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        VoiceCatalog.from_mapping(data)


def test_unreadable_files_are_catalog_errors(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("version = ")
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_pronunciations(bad)


VOICE = VoiceChoice("inworld", "Ashley", "inworld-tts-1.5-max")


def key(text: str = "Hello  there\n", **changes: object) -> str:
    args: dict = {"language": "en", "voice": VOICE, "prosody": Prosody(),
                  "dictionary_version": "d1", "catalog_version": "c1"}
    args.update(changes)
    return cache_key(text, **args)


def test_cache_key_ignores_spacing_and_changes_with_everything_that_changes_audio() -> None:
    base = key()
    assert base == key(" Hello there") and len(base) == 64
    others = {key("Hello there!"), key(language="ru"),
              key(voice=VoiceChoice("inworld", "Dennis", "inworld-tts-1.5-max")),
              key(voice=VoiceChoice("inworld", "Ashley", "inworld-tts-1.5-mini")),
              key(prosody=Prosody(temperature=1.3)), key(prosody=Prosody(speaking_rate=1.1)),
              key(dictionary_version="d2"), key(catalog_version="c2")}
    assert base not in others and len(others) == 8
