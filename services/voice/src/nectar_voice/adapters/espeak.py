"""`SpeechEngine` over espeak-ng, the last resort: every one of the 17 languages, robotic.

espeak-ng is GPL-3.0: it runs as a program (`espeak-ng --stdout`), one process per chunk
(it starts in milliseconds), never linked into our process. Installed from Debian
(`scripts/setup.sh`). Plain text in (pauses as punctuation), WAV 22.05 kHz out.

The catalog's voice for espeak is a variant (`f3`, `m3`, ...): the engine speaks the
request's language with it (`-v ru+f3`). Speaking rate maps to words per minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil

from nectar_voice.adapters.audio import AudioDecodeError, decode
from nectar_voice.domain.errors import (
    PermanentSynthesisError,
    TransientSynthesisError,
    UnsupportedLanguage,
)
from nectar_voice.domain.model import LANGUAGES, Audio, EngineCaps, EngineRequest, Limits

NAME = "espeak"
#: our language code -> espeak-ng voice (its Chinese is Mandarin `cmn`)
VOICES = {lang: lang for lang in LANGUAGES} | {"zh": "cmn", "pt": "pt-br", "en": "en-us"}
DEFAULT_WPM = 165


class EspeakSpeechEngine:
    """espeak-ng run per chunk; `binary` is looked up on PATH at `start()`."""

    name = NAME

    def __init__(self, *, binary: str = "espeak-ng", timeout_s: float = 20.0,
                 words_per_minute: int = DEFAULT_WPM, max_concurrency: int = 2,
                 limits: Limits | None = None) -> None:
        self.binary = binary
        self.timeout_s = timeout_s
        self.words_per_minute = words_per_minute
        self.caps = EngineCaps(languages=frozenset(LANGUAGES), ssml=False,
                               limits=limits or Limits(max_chars=1000, max_breaks=1000))
        self._path: str | None = None
        self._slots = asyncio.Semaphore(max_concurrency)

    async def start(self) -> None:
        self._path = shutil.which(self.binary)

    async def close(self) -> None:
        return None

    async def check(self) -> None:
        if self._path is None:
            raise RuntimeError(f"{self.binary} not found on PATH (apt-get install espeak-ng)")

    def command(self, request: EngineRequest) -> list[str]:
        variant = request.voice.voice.lstrip("+")
        voice = VOICES[request.language] + (f"+{variant}" if variant else "")
        wpm = round(self.words_per_minute * request.prosody.speaking_rate)
        # -b 1: UTF-8 input; --stdout: WAV on stdout; text on stdin (no argv injection)
        return [self._path or self.binary, "-v", voice, "-s", str(max(80, min(wpm, 400))),
                "-b", "1", "--stdout"]

    async def synthesize(self, request: EngineRequest) -> Audio:
        if request.language not in VOICES:
            raise UnsupportedLanguage(f"espeak-ng has no voice for {request.language!r}",
                                      engine=NAME)
        if self._path is None:
            await self.start()
            if self._path is None:
                raise PermanentSynthesisError(f"{self.binary} is not installed", engine=NAME,
                                              outcome="not_installed")
        async with self._slots:
            proc = await asyncio.create_subprocess_exec(
                *self.command(request), stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            try:
                async with asyncio.timeout(self.timeout_s):
                    out, err = await proc.communicate(request.text.encode() + b"\n")
            except TimeoutError as exc:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
                raise TransientSynthesisError(f"espeak-ng took over {self.timeout_s:g}s",
                                              engine=NAME, outcome="timeout") from exc
        if proc.returncode != 0:
            raise TransientSynthesisError(
                f"espeak-ng exited {proc.returncode}: {err.decode(errors='replace')[:160]}",
                engine=NAME, outcome="crashed")
        try:
            samples, rate = decode(out)
        except AudioDecodeError as exc:
            raise TransientSynthesisError(f"espeak-ng output: {exc}", engine=NAME,
                                          outcome="bad_audio") from exc
        return Audio(samples=samples, sample_rate=rate)
