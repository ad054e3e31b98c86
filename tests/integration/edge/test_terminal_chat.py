"""`nectar chat` is the product in a terminal: the chat program itself, driven through a
pipe against the running edge and the Bot API emulator. A newcomer picks a character and a
language by pressing numbered buttons, buys a plan with (emulated) Telegram Stars, and gets
the bot's photos and voice notes as files."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import sys
from pathlib import Path

import pytest
from nectar_edge.domain.i18n import STRINGS

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
PROMPT = "you> "
#: the smallest valid OGG page header and a 1x1 PNG: what the bot "sends" here
VOICE = b"OggS\x00\x02" + bytes(20) + b"\x01\x13" + b"OpusHead" + bytes(11)
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYA"
                       "AjCB0C8AAAAASUVORK5CYII=")


class Terminal:
    """`nectar chat` in a subprocess; `say` types a line and returns what was printed
    until the next prompt."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.buffer = ""

    async def until_prompt(self, timeout: float = 60) -> str:
        assert self.proc.stdout is not None
        async with asyncio.timeout(timeout):
            while PROMPT not in self.buffer:
                chunk = await self.proc.stdout.read(4096)
                if not chunk:
                    raise AssertionError(f"chat ended: {self.buffer!r}")
                self.buffer += chunk.decode()
        out, _, self.buffer = self.buffer.partition(PROMPT)
        return out

    async def say(self, line: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{line}\n".encode())
        await self.proc.stdin.drain()
        return await self.until_prompt()


def _choice(screen: str, label: str) -> str:
    """The number printed before `label`."""
    match = re.search(rf"\[(\d+)\] (?:✓ )?{re.escape(label)}", screen)
    assert match, f"no choice {label!r} in:\n{screen}"
    return match.group(1)


async def test_a_newcomer_presses_buttons_buys_a_plan_and_gets_files(
        edge_service, http, js, user_id, tmp_path) -> None:
    async with edge_service() as edge:
        proc = await asyncio.create_subprocess_exec(
            str(ROOT / ".venv/bin/nectar"), "chat", "--user", str(user_id),
            "--emulator", edge.telegram, "--token", edge.token, "--timeout", "20",
            "--save-dir", str(tmp_path / "files"),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"})
        term = Terminal(proc)
        try:
            welcome = await term.until_prompt()   # a new user starts with /start
            picked = await term.say(_choice(welcome, "Kai"))
            languages = await term.say("/language")
            german = await term.say(_choice(languages, "Deutsch"))
            plans = await term.say("/buy")
            invoice = await term.say(_choice(plans, "Premium"))
            paid = await term.say(_choice(invoice, "Pay 500 ⭐"))
            await _bot_sends_files(http, edge, user_id)
            files = await term.say("/help")
        finally:
            if proc.stdin is not None:
                proc.stdin.close()
            await asyncio.wait_for(proc.wait(), 30)
    assert "bot> Hi, I'm Luna" in welcome
    for name in ("Luna", "Kai", "Mira"):
        _choice(welcome, name)
    assert "bot> You're now talking to Kai." in picked
    assert languages.count("[") >= 17 and "Deutsch" in languages
    assert STRINGS["de"]["language_chosen"] in german
    assert "[1] Basic — 250 ⭐" in plans or "Basic — 250 ⭐" in plans
    assert "[invoice] Premium" in invoice and "500 ⭐" in invoice
    assert STRINGS["de"]["pay_thanks"].format(plan="Premium") in paid
    saved = re.findall(r"saved to (\S+)", files)
    assert len(saved) == 2, files
    photo, voice = (Path(p) for p in saved)
    assert photo.read_bytes() == PNG and voice.read_bytes() == VOICE
    assert photo.parent == voice.parent == tmp_path / "files"
    assert proc.returncode == 0


async def _bot_sends_files(http, edge, user_id: int) -> None:
    """The bot sends a photo and a voice note (as media and voice will)."""
    api = f"{edge.telegram}/bot{edge.token}"
    photo = await http.post(f"{api}/sendPhoto", data={"chat_id": str(user_id)},
                            files={"photo": ("p.png", PNG, "image/png")})
    voice = await http.post(f"{api}/sendVoice", data={"chat_id": str(user_id)},
                            files={"voice": ("v.ogg", VOICE, "audio/ogg")})
    assert photo.json()["ok"] and voice.json()["ok"], (photo.text, voice.text)


if sys.platform == "win32":  # pragma: no cover
    pytest.skip("a POSIX pipe is needed", allow_module_level=True)
