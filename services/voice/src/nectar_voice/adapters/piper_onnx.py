"""`SpeechEngine` for Piper voice models, run by our own code: the default Piper engine.

A Piper voice is an ONNX model (VITS) and its JSON config. We run the model with ONNX
Runtime (MIT) in this process and phonemise with the espeak-ng program (GPL-3.0, a separate
process: `adapters/piper_phonemes.py`); Piper's own package (`piper-tts`, GPL-3.0) is not
needed. What we read from the voice's config: `audio.sample_rate`, `espeak.voice`,
`phoneme_id_map`, `inference` (`noise_scale`, `length_scale`, `noise_w`), `num_speakers`
(and `speaker_id_map`/`default_speaker_id` for the speaker), `vowel_clusters`. Only voices
with `phoneme_type` `espeak` are taken.

As Piper does: each sentence is one inference (ids `^ _ p _ ... $`; inputs `input`,
`input_lengths`, `scales` = [noise, length, noise_w], `sid` for multi-speaker voices), its
audio peak-normalised, and sentences joined with `sentence_silence_s` of silence.

Unlike Piper's command line, the ONNX session is ours to configure: `threads` intra-op
threads (default 1), one inter-op thread, and no spin-waiting
(`session.intra_op.allow_spinning` = 0). On a shared machine the default (a spinning
thread per core) loses most of its time waiting for the other threads (services/voice/
README.md, "Benchmark"). The speaking rate of the request's mood divides the length scale
(within `MIN_RATE`..`MAX_RATE`).

Inference runs in a worker thread (one at a time per engine: a lock), so the event loop
stays free.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nectar_voice.adapters.audio import Samples
from nectar_voice.adapters.piper import bundled_voice
from nectar_voice.adapters.piper_phonemes import (
    BOS,
    EOS,
    PAD,
    EspeakProcess,
    EspeakProcessError,
    phoneme_ids,
)
from nectar_voice.domain.errors import (
    PermanentSynthesisError,
    TransientSynthesisError,
    UnsupportedLanguage,
)
from nectar_voice.domain.model import Audio, EngineCaps, EngineRequest, Limits

NAME = "piper"
#: the speaking rates applied to Piper (its length scale is divided by the rate)
MIN_RATE, MAX_RATE = 0.7, 1.4

log = logging.getLogger("nectar.voice.piper")


class VoiceConfigError(ValueError):
    """A Piper voice config that is missing, unreadable, or not one we can run."""


@dataclass(frozen=True, slots=True)
class PiperVoiceConfig:
    """What inference needs from a Piper voice's `.onnx.json`."""

    sample_rate: int
    espeak_voice: str
    phoneme_id_map: dict[str, list[int]]
    noise_scale: float = 0.667
    length_scale: float = 1.0
    noise_w: float = 0.8
    num_speakers: int = 1
    speaker_id: int = 0
    vowel_clusters: frozenset[tuple[str, ...]] = frozenset()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PiperVoiceConfig:
        try:
            kind = data.get("phoneme_type", "espeak")
            if kind != "espeak":
                raise VoiceConfigError(f"phoneme_type {kind!r} is not supported (espeak only)")
            id_map = {str(k): [int(i) for i in v] for k, v in data["phoneme_id_map"].items()}
            missing = [s for s in (BOS, EOS, PAD) if s not in id_map]
            if missing:
                raise VoiceConfigError(f"phoneme_id_map lacks {', '.join(missing)}")
            inference = data.get("inference") or {}
            speakers = int(data.get("num_speakers", 1))
            return cls(
                sample_rate=int(data["audio"]["sample_rate"]),
                espeak_voice=str(data["espeak"]["voice"]),
                phoneme_id_map=id_map,
                noise_scale=float(inference.get("noise_scale", 0.667)),
                length_scale=float(inference.get("length_scale", 1.0)),
                noise_w=float(inference.get("noise_w", 0.8)),
                num_speakers=speakers,
                speaker_id=int(data.get("default_speaker_id", 0)),
                vowel_clusters=frozenset(tuple(c) for c in data.get("vowel_clusters") or ()))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, VoiceConfigError):
                raise
            raise VoiceConfigError(f"not a Piper voice config: {type(exc).__name__}: "
                                   f"{exc}") from exc

    @classmethod
    def load(cls, path: Path) -> PiperVoiceConfig:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise VoiceConfigError(f"cannot read {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise VoiceConfigError(f"{path}: not a JSON object")
        return cls.from_dict(data)


def onnx_available() -> bool:
    try:
        import onnxruntime  # noqa: F401  # MIT
    except ImportError:
        return False
    return True


class PiperOnnxSpeechEngine:
    """A Piper voice run in-process with ONNX Runtime; `start()` loads the model and starts
    espeak-ng, `close()` stops espeak-ng."""

    name = NAME

    def __init__(self, *, model: Path | None = None, languages: frozenset[str] = frozenset({"en"}),
                 espeak_binary: str = "espeak-ng", espeak_data: Path | None = None,
                 threads: int = 1, timeout_s: float = 30.0, length_scale: float = 1.0,
                 sentence_silence_s: float = 0.15, follow_speaking_rate: bool = True,
                 limits: Limits | None = None) -> None:
        self.model = model
        self.espeak_binary = espeak_binary
        self.espeak_data = espeak_data
        self.threads = threads
        self.timeout_s = timeout_s
        self.length_scale = length_scale
        self.sentence_silence_s = sentence_silence_s
        self.follow_speaking_rate = follow_speaking_rate
        self.caps = EngineCaps(languages=frozenset(languages), ssml=False,
                               limits=limits or Limits(max_chars=1000, max_breaks=1000))
        self.config: PiperVoiceConfig | None = None
        self._session: Any = None
        self._espeak: EspeakProcess | None = None
        self._lock = asyncio.Lock()

    @property
    def model_path(self) -> Path | None:
        return self.model or bundled_voice()

    @property
    def available(self) -> bool:
        return (onnx_available() and self.model_path is not None
                and shutil.which(self.espeak_binary) is not None)

    async def start(self) -> None:
        async with self._lock:
            await self._ensure()

    async def close(self) -> None:
        async with self._lock:
            if self._espeak is not None:
                await self._espeak.close()

    async def check(self) -> None:
        if self._session is None:
            raise RuntimeError("Piper voice not loaded")
        if self._espeak is None or not self._espeak.running:
            raise RuntimeError(f"{self.espeak_binary} not running")

    def session_options(self) -> Any:
        import onnxruntime as ort  # MIT

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        return options

    def _load(self, model: Path) -> tuple[PiperVoiceConfig, Any]:
        import onnxruntime as ort  # MIT

        config = PiperVoiceConfig.load(Path(f"{model}.json"))
        session = ort.InferenceSession(str(model), sess_options=self.session_options(),
                                       providers=["CPUExecutionProvider"])
        return config, session

    async def _ensure(self) -> None:
        if self._session is None:
            model = self.model_path
            if model is None or not onnx_available():
                raise PermanentSynthesisError(
                    "the Piper voice or onnxruntime is not installed (the `piper` extra of "
                    "nectar-voice)", engine=NAME, outcome="not_installed")
            try:
                self.config, self._session = await asyncio.to_thread(self._load, model)
            except VoiceConfigError as exc:
                raise PermanentSynthesisError(str(exc), engine=NAME,
                                              outcome="not_installed") from exc
            except Exception as exc:  # onnxruntime's own error types
                raise PermanentSynthesisError(f"cannot load {model.name}: {exc}"[:300],
                                              engine=NAME, outcome="not_installed") from exc
        if self._espeak is None:
            assert self.config is not None
            if shutil.which(self.espeak_binary) is None:
                raise PermanentSynthesisError(
                    f"{self.espeak_binary} is not installed (Piper's phonemes; apt-get "
                    "install espeak-ng)", engine=NAME, outcome="not_installed")
            self._espeak = EspeakProcess(
                binary=self.espeak_binary, voice=self.config.espeak_voice,
                data_path=str(self.espeak_data) if self.espeak_data else None,
                timeout_s=self.timeout_s)
        try:
            await self._espeak.start()
        except EspeakProcessError as exc:
            raise TransientSynthesisError(f"phonemes: {exc}", engine=NAME,
                                          outcome="crashed") from exc

    def _infer(self, ids: list[int], length_scale: float) -> Samples:
        config = self.config
        assert config is not None and self._session is not None
        feed: dict[str, Any] = {
            "input": np.asarray([ids], dtype=np.int64),
            "input_lengths": np.asarray([len(ids)], dtype=np.int64),
            "scales": np.asarray([config.noise_scale, length_scale, config.noise_w],
                                 dtype=np.float32)}
        if config.num_speakers > 1:
            feed["sid"] = np.asarray([config.speaker_id], dtype=np.int64)
        audio = np.asarray(self._session.run(None, feed)[0], dtype=np.float32).reshape(-1)
        peak = float(np.max(np.abs(audio))) if audio.size else 0.0
        audio = audio / peak if peak >= 1e-8 else np.zeros_like(audio)
        return np.clip(audio, -1.0, 1.0).astype(np.float32)

    def _speak(self, sentences: list[list[int]], length_scale: float) -> Samples:
        assert self.config is not None
        gap = np.zeros(int(self.config.sample_rate * self.sentence_silence_s), np.float32)
        parts: list[Samples] = []
        for index, ids in enumerate(sentences):
            if index:
                parts.append(gap)
            parts.append(self._infer(ids, length_scale))
        return np.concatenate(parts)

    def length_scale_for(self, speaking_rate: float) -> float:
        assert self.config is not None
        scale = self.config.length_scale * self.length_scale
        if self.follow_speaking_rate:
            scale /= min(max(speaking_rate, MIN_RATE), MAX_RATE)
        return scale

    async def synthesize(self, request: EngineRequest) -> Audio:
        if request.language not in self.caps.languages:
            raise UnsupportedLanguage(f"no Piper voice for {request.language!r}", engine=NAME)
        async with self._lock:
            await self._ensure()
            assert self.config is not None and self._espeak is not None
            try:
                phonemes = await self._espeak.phonemize(request.text,
                                                        self.config.vowel_clusters)
            except EspeakProcessError as exc:
                raise TransientSynthesisError(f"phonemes: {exc}", engine=NAME,
                                              outcome="crashed") from exc
            ids = [phoneme_ids(sentence, self.config.phoneme_id_map) for sentence in phonemes]
            ids = [sentence for sentence in ids if len(sentence) > 3]
            if not ids:
                raise PermanentSynthesisError("nothing to pronounce in the text",
                                              engine=NAME, outcome="rejected")
            try:
                async with asyncio.timeout(self.timeout_s):
                    samples = await asyncio.to_thread(
                        self._speak, ids, self.length_scale_for(request.prosody.speaking_rate))
            except TimeoutError as exc:
                raise TransientSynthesisError(f"Piper took over {self.timeout_s:g}s",
                                              engine=NAME, outcome="timeout") from exc
            except Exception as exc:  # onnxruntime's own error types
                raise TransientSynthesisError(f"Piper inference failed: {exc}"[:300],
                                              engine=NAME, outcome="crashed") from exc
        if samples.size == 0 or not np.all(np.isfinite(samples)):
            raise TransientSynthesisError("Piper produced no audio", engine=NAME,
                                          outcome="bad_audio")
        return Audio(samples=samples, sample_rate=self.config.sample_rate)
