"""OGG/Opus 48 kHz mono out of any engine audio; bytes that are not audio are refused."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf
from nectar_voice.adapters.audio import (
    AudioDecodeError,
    decode,
    encode_ogg_opus,
    join,
    ogg_opus_info,
    resample,
)
from nectar_voice.domain import Audio
from nectar_voice.fakes import tone


def wav(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def test_22khz_engine_audio_becomes_48khz_mono_opus_of_the_same_length() -> None:
    samples, rate = decode(wav(tone(2.0, 22050), 22050))
    assert rate == 22050
    ogg = encode_ogg_opus(samples, rate)
    duration, out_rate, channels = ogg_opus_info(ogg)
    assert (out_rate, channels) == (48000, 1)
    assert duration == pytest.approx(2.0, abs=0.01)


def test_resample_keeps_duration_and_pitch() -> None:
    samples = tone(1.0, 22050, pitch_hz=440)
    out = resample(samples, 22050, 48000)
    assert len(out) == pytest.approx(48000, abs=2)
    spectrum = np.abs(np.fft.rfft(out))
    assert np.argmax(spectrum) * 48000 / len(out) == pytest.approx(440, abs=2)


def test_join_puts_a_gap_between_parts() -> None:
    parts = [Audio(tone(1.0, 24000), 24000), Audio(tone(0.5, 22050), 22050)]
    joined = join(parts, gap_s=0.15)
    assert len(joined) / 48000 == pytest.approx(1.65, abs=0.002)


def test_stereo_is_mixed_down() -> None:
    stereo = np.stack([tone(0.5, 16000), tone(0.5, 16000)], axis=1)
    samples, _ = decode(wav(stereo, 16000))
    assert samples.ndim == 1


@pytest.mark.parametrize("data", [b"", b"OggS" + bytes(200), b"not audio at all",
                                  wav(np.zeros(0, dtype=np.float32), 16000)])
def test_undecodable_bytes_raise(data: bytes) -> None:
    with pytest.raises(AudioDecodeError):
        decode(data)


def test_non_opus_is_not_reported_as_opus() -> None:
    with pytest.raises(AudioDecodeError):
        ogg_opus_info(wav(tone(0.2), 24000))
