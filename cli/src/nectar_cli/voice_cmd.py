"""`nectar voice say`: audition a character's voice, engine by engine."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Voice: speak a reply as the voice service would.",
                  no_args_is_help=True)

#: where `nectar voice say` looks for Inworld when the environment does not say
_INWORLD_VARIABLES = ("VOICE_INWORLD_BASE_URL", "VOICE_INWORLD_API_KEY")


def _stack_inworld() -> dict[str, str]:
    """The local stack's Inworld (its emulator, or real Inworld when the stack was started
    with INWORLD_API_KEY), for the variables the environment leaves unset."""
    if all(os.environ.get(name) for name in _INWORLD_VARIABLES):
        return {}
    try:
        from nectar_devstack.stack import Stack

        from nectar_cli.stackinfo import running_config

        config = running_config()
        if not config.stack_json.exists():  # never started here: the environment decides
            return {}
        env = Stack(config).env()
    except Exception:  # noqa: BLE001  # an unreadable stack configuration: likewise
        return {}
    return {name.removeprefix("VOICE_").lower(): env[name] for name in _INWORLD_VARIABLES
            if not os.environ.get(name) and env.get(name)}


@app.command("say")
def say(
    text: Annotated[str, typer.Argument(help="What the character says (stage directions, "
                                        "ellipses and *emphasis* as a model would write).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the OGG/Opus "
                                         "voice message.")] = Path("voice.ogg"),
    character: Annotated[str, typer.Option(help="Character (voices.toml; unknown: the "
                                           "default voices).")] = "default",
    lang: Annotated[str, typer.Option("--lang", help="Language of the text.")] = "en",
    engine: Annotated[str | None, typer.Option(
        help="Only this engine (inworld, piper, espeak); default: the chain of "
        "VOICE_ENGINES, first that speaks wins.")] = None,
) -> None:
    """Speak TEXT as CHARACTER in LANG and write the voice message to -o; print what spoke
    it (engine, voice, duration, characters, every attempt) as one JSON line.

    Inworld is the environment's (VOICE_INWORLD_BASE_URL, VOICE_INWORLD_API_KEY), else the
    local stack's (its emulator after `make up`). Exit 1 when no engine spoke it, 2 on bad
    usage."""
    from nectar_voice.domain.errors import AllEnginesFailed, NothingToSay
    from nectar_voice.engines import say as speak
    from nectar_voice.settings import ENGINE_NAMES, VoiceSettings

    overrides: dict[str, object] = dict(_stack_inworld())
    if engine is not None:
        if engine not in ENGINE_NAMES:
            typer.echo(f"unknown engine {engine!r} (known: {', '.join(ENGINE_NAMES)})",
                       err=True)
            raise typer.Exit(2)
        overrides["engines"] = engine
    settings = VoiceSettings(**overrides)  # type: ignore[arg-type]
    if engine == "inworld" and settings.inworld_api_key is None:
        typer.echo("Inworld needs VOICE_INWORLD_API_KEY (or a local stack: `make up`)",
                   err=True)
        raise typer.Exit(2)
    try:
        speech = asyncio.run(speak(text, language=lang, character=character,
                                   settings=settings))
    except NothingToSay as exc:
        typer.echo(f"nothing to say: {exc}", err=True)
        raise typer.Exit(1) from exc
    except AllEnginesFailed as exc:
        typer.echo(f"no engine spoke it ({exc.reason}): {exc.detail}", err=True)
        raise typer.Exit(1) from exc
    output.write_bytes(speech.ogg)
    typer.echo(json.dumps({
        "output": str(output), "engine": speech.engine, "voice": speech.voice.voice,
        "model": speech.voice.model, "language": speech.language,
        "duration_s": round(speech.duration_s, 3), "bytes": len(speech.ogg),
        "chunks": speech.chunks, "chars": speech.chars, "billed_chars": speech.billed_chars,
        "mood": speech.prosody.mood, "temperature": speech.prosody.temperature,
        "speaking_rate": speech.prosody.speaking_rate,
        "first_audio_ms": round(speech.first_audio_ms, 1),
        "attempts": [{"engine": a.engine, "outcome": a.outcome, "error": a.error}
                     for a in speech.attempts],
    }, ensure_ascii=False))
