"""Prompt assembly: byte-stable prefix first, volatile parts after it, in a fixed order."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from nectar_contracts import ChatLine, MemoryHit
from nectar_llm.adapters.openrouter import OpenRouterChatModel
from nectar_llm.domain.characters import CharacterCatalog
from nectar_llm.domain.model import ChatRequest
from nectar_llm.domain.prompt import build_reply_prompt, build_summary_prompt
from pydantic import SecretStr

AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
CATALOG = CharacterCatalog()


def line(role: str, content: str) -> ChatLine:
    return ChatLine(role=role, content=content, at=AT)


def wire(messages) -> str:
    """The request body exactly as the OpenRouter adapter would send it."""
    adapter = OpenRouterChatModel(base_url="http://127.0.0.1:1/api/v1",
                                  api_key=SecretStr("k"))
    body = adapter.request_body(ChatRequest(model="m/x", messages=messages, max_tokens=400,
                                            temperature=0.9))
    return json.dumps(body, ensure_ascii=False)


def test_prefix_is_byte_identical_across_turns_of_a_conversation() -> None:
    luna = CATALOG.get("luna")
    turn1 = build_reply_prompt(luna, text="hello", language="en", recent=[])
    turn2 = build_reply_prompt(
        luna, text="and now?", language="de",
        recent=[line("user", "hello"), line("assistant", "Hi there!"),
                line("user", "what's up")],
        summary="They talked about stars.",
        memories=[MemoryHit(text="Has a cat.", score=0.9)])

    assert turn1[0].content.encode() == turn2[0].content.encode()
    assert turn1[0].cacheable and not any(m.cacheable for m in turn2[1:])
    first_message = json.dumps(json.loads(wire(turn1))["messages"][0], ensure_ascii=False)
    assert first_message in wire(turn2)
    common = len(wire(turn1).split(first_message)[0]) + len(first_message)
    assert wire(turn1)[:common] == wire(turn2)[:common]


def test_volatile_parts_follow_the_prefix_in_order() -> None:
    messages = build_reply_prompt(
        CATALOG.get("mira"), text="Recommend me a book", language="fr",
        recent=[line("user", "bonjour"), line("assistant", "Bonjour !"), line("user", "  ")],
        summary="The user loves detective novels.",
        memories=[MemoryHit(text="Reads in the metro.", score=0.7),
                  MemoryHit(text="Hates spoilers.", score=0.5)])

    assert [m.role for m in messages] == ["system", "system", "user", "assistant", "user"]
    prefix, notes = messages[0].content, messages[1].content
    assert prefix.startswith("You are Mira")
    for volatile in ("fr", "detective", "metro", "spoilers"):
        assert volatile not in prefix
    assert "Reply language: fr." in notes
    assert notes.index("detective novels") < notes.index("Reads in the metro.") \
        < notes.index("Hates spoilers.")
    assert [m.content for m in messages[2:]] == ["bonjour", "Bonjour !", "Recommend me a book"]


def test_each_character_has_its_own_prefix_and_unknown_falls_back() -> None:
    prefixes = {cid: build_reply_prompt(CATALOG.get(cid), text="hi", language="en",
                                        recent=[])[0].content
                for cid in ("luna", "kai", "mira", "stranger")}

    assert len(set(prefixes.values())) == 4
    assert prefixes["kai"].startswith("You are Kai")
    assert prefixes["stranger"] == build_reply_prompt(
        CATALOG.default, text="x", language="en", recent=[])[0].content
    assert {"luna", "kai", "mira"} <= set(CATALOG.ids)
    assert all(CATALOG.get(cid).greeting for cid in CATALOG.ids)


def test_summary_prompt_names_speakers_and_language() -> None:
    messages = build_summary_prompt(
        CATALOG.get("luna"), language="es",
        lines=[line("user", "Me llamo Ana"), line("assistant", "¡Hola Ana!")])

    assert messages[0].role == "system" and "Luna" in messages[0].content
    assert "Language of the summary: es." in messages[1].content
    assert "User: Me llamo Ana\nLuna: ¡Hola Ana!" in messages[1].content
