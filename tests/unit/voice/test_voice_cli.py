"""`nectar voice say`: a reply spoken to a file, engine by engine."""

from __future__ import annotations

import json

import pytest
import soundfile as sf
from nectar_cli.main import app
from typer.testing import CliRunner

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_stack(monkeypatch, tmp_path) -> None:
    """No local stack and no Inworld in the environment."""
    monkeypatch.setenv("NECTAR_DATA_DIR", str(tmp_path / "data"))
    for name in ("VOICE_INWORLD_BASE_URL", "VOICE_INWORLD_API_KEY", "VOICE_ENGINES"):
        monkeypatch.delenv(name, raising=False)


def test_say_writes_an_ogg_opus_voice_message_and_prints_who_spoke(tmp_path) -> None:
    out = tmp_path / "luna.ogg"
    result = runner.invoke(app, ["voice", "say", "--character", "luna", "--lang", "ru",
                                 "--engine", "espeak", "-o", str(out),
                                 "Привет... Я так рада тебя слышать! *смеётся*"])
    assert result.exit_code == 0, result.output
    said = json.loads(result.stdout.strip().splitlines()[-1])
    assert (said["engine"], said["language"], said["output"]) == ("espeak", "ru", str(out))
    info = sf.info(str(out))
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("OGG", "OPUS",
                                                                           48000, 1)
    assert said["duration_s"] == pytest.approx(info.duration, abs=0.01)
    assert said["bytes"] == out.stat().st_size
    assert [a["outcome"] for a in said["attempts"]] == ["ok"]


def test_say_refuses_an_unknown_engine_and_inworld_without_a_key(tmp_path) -> None:
    bad = runner.invoke(app, ["voice", "say", "--engine", "gtts", "hello"])
    assert bad.exit_code == 2 and "unknown engine 'gtts'" in bad.output
    keyless = runner.invoke(app, ["voice", "say", "--engine", "inworld", "hello"])
    assert keyless.exit_code == 2 and "VOICE_INWORLD_API_KEY" in keyless.output


def test_nothing_speakable_exits_1_without_a_file(tmp_path) -> None:
    out = tmp_path / "none.ogg"
    result = runner.invoke(app, ["voice", "say", "--engine", "espeak", "-o", str(out),
                                 "*sighs* [laughs] 😀"])
    assert result.exit_code == 1 and "nothing to say" in result.output
    assert not out.exists()
