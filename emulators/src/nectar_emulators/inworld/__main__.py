"""`python -m nectar_emulators.inworld`: run the Inworld TTS emulator."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .._server import add_server_arguments, run_cli, server_settings
from .app import create_app
from .behaviours import parse_behaviour
from .settings import InworldEmulatorSettings


def _behaviour(value: str) -> str:
    try:
        parse_behaviour(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return value


def parse_args(argv: Sequence[str] | None = None) -> InworldEmulatorSettings:
    """Settings from IWEMU_* environment variables, overridden by command-line flags."""
    defaults = InworldEmulatorSettings()
    parser = argparse.ArgumentParser(
        prog="python -m nectar_emulators.inworld",
        description="Local Inworld TTS emulator: POST /tts/v1/voice (and :stream), GET "
        "/tts/v1/voices, with real OGG/Opus (or WAV, FLAC, MP3) audio and scriptable "
        "failures. Defaults come from IWEMU_* environment variables (IWEMU_PORT, "
        "IWEMU_API_KEY, IWEMU_CHARACTER_BUDGET, ...).",
        epilog="Behaviours: ok, http_<code>[:<retry-after s>], budget_exhausted, "
        "timeout[:<s>], slow:<ms>, corrupt_base64, corrupt_audio, empty_audio, bad_json. "
        "Per call through POST /_emulator/script {\"behaviour\": ..., \"times\": N}.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add_server_arguments(parser, defaults)
    parser.add_argument("--behaviour", type=_behaviour, default=defaults.behaviour,
                        help="behaviour of every call no script covers")
    parser.add_argument("--api-key", default=defaults.api_key,
                        help="require this Basic credential (unset: any non-empty one)")
    parser.add_argument("--character-budget", type=int, default=defaults.character_budget,
                        help="characters the key may synthesize before 429 quota errors")
    parser.add_argument("--strict-voices", action="store_true",
                        default=defaults.strict_voices,
                        help="404 for voiceId values not in the built-in voice list")
    parser.add_argument("--timeout-seconds", type=float, default=defaults.default_timeout_s,
                        help="how long the plain 'timeout' behaviour sleeps")
    args = parser.parse_args(argv)
    return defaults.model_copy(update={
        **server_settings(args), "behaviour": args.behaviour, "api_key": args.api_key,
        "character_budget": args.character_budget, "strict_voices": args.strict_voices,
        "default_timeout_s": args.timeout_seconds,
    })


def main(argv: Sequence[str] | None = None) -> None:
    settings = parse_args(argv)
    run_cli(create_app(settings), settings.host, settings.port, settings.log_level)


if __name__ == "__main__":
    main()
