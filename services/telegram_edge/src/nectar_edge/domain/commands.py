"""What a text says to the bot: a command (to this bot, to another one) or plain text.

One parser decides both what the limits count (`nectar_edge.chain.classify`) and where the
text goes (a command's router, the unknown-command hint, or a chat turn), so that nothing a
model answers can skip the daily limit. Commands follow Telegram's rule for `bot_command`
entities: `/` and 1-32 latin letters, digits or underscores at the start, optionally
`@botname`, then whitespace or the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)")

#: the commands the edge answers (`_HELP_COMMANDS` in i18n lists them for users)
KNOWN_COMMANDS = frozenset({"start", "help", "character", "reset", "language", "voice",
                            "image", "buy", "paysupport"})
#: commands that start model-backed work and spend the daily budget
COSTLY_COMMANDS = frozenset({"image"})


@dataclass(frozen=True)
class ParsedCommand:
    """`/name@mention args`, with `name` in lower case."""

    name: str
    mention: str | None
    args: str

    @property
    def known(self) -> bool:
        return self.name in KNOWN_COMMANDS

    @property
    def costly(self) -> bool:
        return self.name in COSTLY_COMMANDS

    def addressed_elsewhere(self, bot_username: str | None) -> bool:
        """Whether `@mention` names another bot. Without our own username (not known yet)
        a mention counts as ours."""
        if self.mention is None or not bot_username:
            return False
        return self.mention.lower() != bot_username.lstrip("@").lower()


def parse_command(text: str | None) -> ParsedCommand | None:
    """The command a message text starts with, or None for plain text."""
    if not text:
        return None
    stripped = text.lstrip()
    match = _COMMAND.match(stripped)
    if match is None:
        return None
    return ParsedCommand(match.group(1).lower(), match.group(2),
                         stripped[match.end():].strip())
