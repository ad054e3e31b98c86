"""Telegram's message formatting: turn HTML / MarkdownV2 / Markdown into text + entities.

Telegram stores a formatted message as plain text plus `MessageEntity` objects whose
offsets and lengths count UTF-16 code units; markup it cannot parse is rejected with
"Bad Request: can't parse entities: ...". Bots that forget to escape model output hit
exactly these errors, so the emulator reproduces the common ones (wording from the
Bot API's observed responses; byte offsets are UTF-8 offsets into the sent text).
See https://core.telegram.org/bots/api#formatting-options.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FormattingError", "parse_formatted", "utf16_len"]


class FormattingError(ValueError):
    """The markup cannot be parsed; str(self) is what follows "can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


@dataclass
class _Builder:
    parts: list[str] = field(default_factory=list)
    offset: int = 0
    entities: list[dict[str, Any]] = field(default_factory=list)

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.offset += utf16_len(chunk)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.offset > start:
            self.entities.append(
                {"type": kind, "offset": start, "length": self.offset - start, **extra}
            )

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


def parse_formatted(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities for `text` sent with `parse_mode` (None: text as is)."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown_legacy(text)
    raise FormattingError(f"Unsupported parse_mode {parse_mode!r}")


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_END_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_ATTR = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


def _parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Builder()
    stack: list[tuple[str, int, dict[str, str]]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&" and (m := _HTML_ENTITY.match(text, i)):
            out.add(html.unescape(m.group(0)))
            i = m.end()
        elif char == "<" and (m := _END_TAG.match(text, i)):
            name = m.group(1).lower()
            if not stack:
                raise FormattingError(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
            open_name, start, attrs = stack.pop()
            if open_name != name:
                raise FormattingError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, i)},"
                    f' expected "</{open_name}>", found "</{name}>"'
                )
            _close_html_entity(out, open_name, start, attrs, stack)
            i = m.end()
        elif char == "<" and (m := _START_TAG.match(text, i)):
            name = m.group(1).lower()
            offset = _byte_offset(text, i)
            if name not in _HTML_TAGS:
                raise FormattingError(f'Unsupported start tag "{name}" at byte offset {offset}')
            attrs = {
                a.group(1).lower(): html.unescape(a.group(2) or a.group(3) or a.group(4) or "")
                for a in _ATTR.finditer(m.group(2))
            }
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise FormattingError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
                )
            stack.append((name, out.offset, attrs))
            i = m.end()
        elif char == "<":
            raise FormattingError(
                f'Unsupported start tag "" at byte offset {_byte_offset(text, i)}'
            )
        else:
            out.add(char)
            i += 1
    if stack:
        raise FormattingError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _close_html_entity(
    out: _Builder,
    name: str,
    start: int,
    attrs: dict[str, str],
    stack: list[tuple[str, int, dict[str, str]]],
) -> None:
    kind = _HTML_TAGS[name]
    if kind == "code" and stack and stack[-1][0] == "pre":
        # <pre><code class="language-x"> is one pre entity with a language.
        language = attrs.get("class", "").removeprefix("language-")
        if language:
            stack[-1][2]["language"] = language
        return
    extra: dict[str, Any] = {}
    if kind == "text_link":
        extra["url"] = attrs.get("href", "")
    elif kind == "pre" and attrs.get("language"):
        extra["language"] = attrs["language"]
    elif kind == "custom_emoji":
        extra["custom_emoji_id"] = attrs.get("emoji-id", "")
    elif kind == "blockquote" and "expandable" in attrs:
        kind = "expandable_blockquote"
    out.entity(kind, start, **extra)


# MarkdownV2: https://core.telegram.org/bots/api#markdownv2-style
_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_TOGGLES = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "blockquote": "BlockQuote",
}


def _parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Builder()
    # (kind, start offset in output, byte offset of the opening marker, extra)
    stack: list[tuple[str, int, int, dict[str, Any]]] = []
    quote_start: int | None = None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        top = stack[-1][0] if stack else None
        if char == "\\" and i + 1 < n and 0 < ord(text[i + 1]) < 127:
            out.add(text[i + 1])
            i += 2
            continue
        if top in ("code", "pre"):
            marker = "```" if top == "pre" else "`"
            if text.startswith(marker, i):
                kind, start, _, extra = stack.pop()
                out.entity(kind, start, **extra)
                i += len(marker)
            else:
                out.add(char)
                i += 1
            continue
        if char == "\n" and quote_start is not None:
            out.entity("blockquote", quote_start)
            quote_start = None
        if char == "`":
            if text.startswith("```", i):
                # The rest of the opening line names the language (and is not content).
                end_of_line = text.find("\n", i + 3)
                first_line = text[i + 3 : end_of_line] if end_of_line != -1 else "```"
                has_language_line = "```" not in first_line and " " not in first_line.strip()
                language = first_line.strip() if has_language_line else ""
                extra = {"language": language} if language else {}
                stack.append(("pre", out.offset, _byte_offset(text, i), extra))
                i = end_of_line + 1 if has_language_line else i + 3
            else:
                stack.append(("code", out.offset, _byte_offset(text, i), {}))
                i += 1
            continue
        marker = text[i : i + 2] if text[i : i + 2] in ("__", "||") else char
        if marker in _MDV2_TOGGLES:
            kind = _MDV2_TOGGLES[marker]
            open_kinds = [entry[0] for entry in stack]
            if kind in open_kinds:
                index = len(open_kinds) - 1 - open_kinds[::-1].index(kind)
                _, start, _, extra = stack.pop(index)
                out.entity(kind, start, **extra)
            else:
                stack.append((kind, out.offset, _byte_offset(text, i), {}))
            i += len(marker)
            continue
        if char == "[":
            stack.append(("text_link", out.offset, _byte_offset(text, i), {}))
            i += 1
            continue
        if char == "]" and top == "text_link" and i + 1 < n and text[i + 1] == "(":
            close = i + 2
            url_chars: list[str] = []
            while close < n and text[close] != ")":
                if text[close] == "\\" and close + 1 < n:
                    close += 1
                url_chars.append(text[close])
                close += 1
            if close >= n:
                raise FormattingError(
                    f"Can't find end of a url at byte offset {_byte_offset(text, i + 1)}"
                )
            _, start, _, _ = stack.pop()
            out.entity("text_link", start, url="".join(url_chars))
            i = close + 1
            continue
        if char == ">" and at_line_start:
            if quote_start is None:
                quote_start = out.offset
            i += 1
            continue
        if char in _MDV2_RESERVED:
            raise FormattingError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        out.add(char)
        i += 1
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    if stack:
        kind, _, byte_offset, _ = stack[-1]
        raise FormattingError(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset {byte_offset}"
        )
    return out.result()


_LEGACY_TOGGLES = {"*": "bold", "_": "italic", "`": "code"}
_LEGACY_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


def _parse_markdown_legacy(text: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Builder()
    open_entity: tuple[str, int, int] | None = None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
        elif open_entity is None and text.startswith("```", i):
            end = text.find("```", i + 3)
            if end == -1:
                raise FormattingError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            start = out.offset
            out.add(text[i + 3 : end])
            out.entity("pre", start)
            i = end + 3
        elif char in _LEGACY_TOGGLES and (open_entity is None or open_entity[0] == char):
            if open_entity is None:
                open_entity = (char, out.offset, _byte_offset(text, i))
            else:
                out.entity(_LEGACY_TOGGLES[char], open_entity[1])
                open_entity = None
            i += 1
        elif char == "[" and open_entity is None and (m := _LEGACY_LINK.match(text, i)):
            start = out.offset
            out.add(m.group(1))
            out.entity("text_link", start, url=m.group(2))
            i = m.end()
        else:
            out.add(char)
            i += 1
    if open_entity is not None:
        raise FormattingError(
            f"Can't find end of the entity starting at byte offset {open_entity[2]}"
        )
    return out.result()
