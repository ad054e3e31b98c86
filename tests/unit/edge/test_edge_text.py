"""Splitting replies over Telegram's 4096-unit limit."""

from __future__ import annotations

from nectar_edge.domain.text import TELEGRAM_TEXT_LIMIT, split_message, utf16_len


def test_a_short_reply_is_one_part_unchanged() -> None:
    assert split_message("  Hello there. How are you?  ") == ["Hello there. How are you?"]


def test_blank_text_gives_no_parts() -> None:
    assert split_message(" \n ") == []


def test_a_long_reply_is_cut_after_a_sentence_not_inside_one() -> None:
    sentence = "This is sentence number {:04d} and it ends here. "
    text = "".join(sentence.format(i) for i in range(200))  # ~10 000 chars
    parts = split_message(text)
    assert len(parts) == 3
    assert all(utf16_len(p) <= TELEGRAM_TEXT_LIMIT for p in parts)
    assert all(p.endswith("ends here.") for p in parts)
    assert " ".join(parts) == text.strip()


def test_a_paragraph_break_is_preferred_to_a_sentence_end() -> None:
    first = "Para one sentence. " * 30  # ~570 chars
    second = "Second paragraph sentence! " * 20
    parts = split_message(first.strip() + "\n\n" + second.strip(), limit=1000)
    assert parts == [first.strip(), second.strip()]


def test_sentence_end_with_closing_quote_and_other_scripts() -> None:
    text = "Он сказал: «Привет!» Потом ушёл. " * 40
    parts = split_message(text, limit=300)
    assert all(utf16_len(p) <= 300 for p in parts)
    assert all(p.endswith("ушёл.") for p in parts)


def test_text_without_spaces_is_hard_cut_at_the_limit() -> None:
    parts = split_message("x" * 9000)
    assert [len(p) for p in parts] == [4096, 4096, 808]


def test_length_is_counted_in_utf16_units_like_telegram() -> None:
    emoji = "😀"  # outside the BMP: 2 UTF-16 units
    parts = split_message(emoji * 3000)
    assert [utf16_len(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == emoji * 3000


def test_words_are_not_split_when_there_is_no_sentence_end() -> None:
    text = " ".join(["word"] * 3000)
    parts = split_message(text)
    assert len(parts) == 4
    assert all(set(p.split(" ")) == {"word"} for p in parts)


def test_html_escaping_leaves_only_text() -> None:
    from nectar_edge.domain.text import escape_html

    assert escape_html("<b>Tom & Jerry</b>") == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"


def test_markdown_v2_escaping_covers_every_special_character() -> None:
    from nectar_edge.domain.text import escape_markdown_v2

    special = "_*[]()~`>#+-=|{}.!\\"
    escaped = escape_markdown_v2(f"a{special}b")
    assert escaped == "a" + "".join("\\" + c for c in special) + "b"
    assert escape_markdown_v2("plain text") == "plain text"
