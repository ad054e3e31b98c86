"""Audio in and out: decode what engines return, resample, join, encode OGG/Opus.

Telegram shows a voice bubble for OGG/Opus; we encode 48 kHz mono with the libsndfile that
the `soundfile` wheel bundles (libsndfile LGPL-2.1, loaded as a shared library; `soundfile`
BSD-3). Opus takes 8/12/16/24/48 kHz only, so engine output at 22.05 kHz (Piper, espeak-ng)
is resampled with libsamplerate (`samplerate`, MIT binding, BSD-2 library).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import samplerate
import soundfile as sf

from nectar_voice.domain.model import OUTPUT_SAMPLE_RATE, Audio

Samples = npt.NDArray[np.float32]

#: silence put between the audio of two chunks (they were cut at sentence ends)
CHUNK_GAP_S = 0.15


class AudioDecodeError(ValueError):
    """Bytes that are not decodable audio, or decode to nothing."""


def decode(data: bytes) -> tuple[Samples, int]:
    """Mono float32 samples and the sample rate of a WAV/OGG/FLAC/... file in `data`."""
    if not data:
        raise AudioDecodeError("no audio bytes")
    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
        raise AudioDecodeError(f"undecodable audio ({len(data)} bytes): "
                               f"{str(exc).split(':')[-1].strip()[:120]}") from None
    if samples.shape[0] == 0:
        raise AudioDecodeError("audio without samples")
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    if not np.all(np.isfinite(mono)):
        raise AudioDecodeError("audio with non-finite samples")
    return np.ascontiguousarray(mono, dtype=np.float32), int(rate)


def from_pcm16(data: bytes, sample_rate: int) -> Samples:
    """Raw little-endian 16-bit mono PCM -> float32 samples."""
    if len(data) % 2:
        data = data[:-1]
    return (np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0)


def resample(samples: Samples, rate: int, target: int = OUTPUT_SAMPLE_RATE) -> Samples:
    """`samples` at `target` Hz (band-limited sinc interpolation)."""
    if rate == target or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    out = samplerate.resample(samples, target / rate, "sinc_fastest")
    return np.clip(out, -1.0, 1.0).astype(np.float32, copy=False)


def join(parts: Sequence[Audio], gap_s: float = CHUNK_GAP_S,
         target: int = OUTPUT_SAMPLE_RATE) -> Samples:
    """The parts at `target` Hz, in order, with `gap_s` of silence between two parts."""
    gap = np.zeros(round(gap_s * target), dtype=np.float32)
    pieces: list[Samples] = []
    for index, part in enumerate(parts):
        if index:
            pieces.append(gap)
        pieces.append(resample(part.samples, part.sample_rate, target))
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def encode_ogg_opus(samples: Samples, rate: int = OUTPUT_SAMPLE_RATE) -> bytes:
    """OGG/Opus, mono, at `rate` (resampled to 48 kHz first if it is not)."""
    if rate != OUTPUT_SAMPLE_RATE:
        samples, rate = resample(samples, rate, OUTPUT_SAMPLE_RATE), OUTPUT_SAMPLE_RATE
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format="OGG", subtype="OPUS")
    return buffer.getvalue()


def ogg_opus_info(data: bytes) -> tuple[float, int, int]:
    """(duration in seconds, sample rate, channels) of an OGG/Opus file; `AudioDecodeError`
    when it is not one."""
    try:
        info = sf.info(io.BytesIO(data))
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
        raise AudioDecodeError(f"not an OGG file: {str(exc)[:120]}") from None
    if info.format != "OGG" or info.subtype != "OPUS":
        raise AudioDecodeError(f"not OGG/Opus: {info.format}/{info.subtype}")
    return float(info.duration), int(info.samplerate), int(info.channels)


def is_ogg_opus_48k_mono(data: bytes) -> bool:
    try:
        _, rate, channels = ogg_opus_info(data)
    except AudioDecodeError:
        return False
    return rate == OUTPUT_SAMPLE_RATE and channels == 1
