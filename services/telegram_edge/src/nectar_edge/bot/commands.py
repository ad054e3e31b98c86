"""Command filters of the routers: case-insensitive, and `@botname` is not checked here
(the chain already dropped commands addressed to another bot, with the same parser that
decides what the limits count: `nectar_edge.domain.commands`)."""

from __future__ import annotations

from aiogram.filters import Command, CommandStart


def command(*names: str) -> Command:
    return Command(*names, ignore_case=True, ignore_mention=True)


def start_command() -> CommandStart:
    return CommandStart(ignore_case=True, ignore_mention=True)
