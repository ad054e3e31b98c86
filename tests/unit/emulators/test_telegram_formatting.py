"""Telegram formatting: markup becomes text + UTF-16 entities, or Telegram's parse errors."""

from __future__ import annotations

import pytest
from nectar_emulators.telegram.formatting import FormattingError, parse_formatted, utf16_len


def test_plain_text_is_left_alone() -> None:
    assert parse_formatted("a < b & *c*", None) == ("a < b & *c*", [])


def test_html_tags_become_entities_with_utf16_offsets() -> None:
    text, entities = parse_formatted(
        '😀 <b>bold</b> &lt;3 <a href="https://x.y/?a=1&amp;b=2">link</a>', "HTML"
    )

    assert text == "😀 bold <3 link"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 11, "length": 4, "url": "https://x.y/?a=1&b=2"},
    ]


def test_html_pre_with_language() -> None:
    text, entities = parse_formatted(
        '<pre><code class="language-python">print(1)</code></pre>', "HTML"
    )

    assert text == "print(1)"
    assert entities == [{"type": "pre", "offset": 0, "length": 8, "language": "python"}]


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
    ],
)
def test_html_errors_use_telegram_wording(markup: str, error: str) -> None:
    with pytest.raises(FormattingError) as raised:
        parse_formatted(markup, "HTML")

    assert str(raised.value) == error


def test_markdown_v2_entities_and_escapes() -> None:
    text, entities = parse_formatted(
        r"*bold* _it_ __under__ ~gone~ ||hidden|| `x\`y` [site](https://a.b/c\)d) 1\.5\!",
        "MarkdownV2",
    )

    assert text == "bold it under gone hidden x`y site 1.5!"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]
    assert entities[-1]["url"] == "https://a.b/c)d"


def test_markdown_v2_reserved_characters_must_be_escaped() -> None:
    with pytest.raises(FormattingError) as raised:
        parse_formatted("Nice to meet you!", "MarkdownV2")

    assert str(raised.value) == (
        "Character '!' is reserved and must be escaped with the preceding '\\'"
    )


def test_markdown_v2_unclosed_entity() -> None:
    with pytest.raises(FormattingError, match="Can't find end of Italic entity at byte offset 4"):
        parse_formatted(r"one _two", "MarkdownV2")


def test_markdown_v2_block_quote_and_pre() -> None:
    text, entities = parse_formatted(">quoted\n```py\ncode\n```", "MarkdownV2")

    assert text == "quoted\ncode\n"
    assert {"type": "blockquote", "offset": 0, "length": 6} in entities
    assert {"type": "pre", "offset": 7, "length": 5, "language": "py"} in entities


def test_legacy_markdown() -> None:
    assert parse_formatted("*a* _b_ [c](http://d)", "Markdown") == (
        "a b c",
        [
            {"type": "bold", "offset": 0, "length": 1},
            {"type": "italic", "offset": 2, "length": 1},
            {"type": "text_link", "offset": 4, "length": 1, "url": "http://d"},
        ],
    )
    with pytest.raises(FormattingError):
        parse_formatted("*open", "Markdown")


def test_utf16_length_counts_surrogate_pairs() -> None:
    assert utf16_len("a😀") == 3
