"""`python -m nectar_emulators.openrouter`: run the OpenRouter emulator."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .._server import add_server_arguments, run_cli, server_settings
from .app import create_app
from .behaviours import parse_behaviour
from .settings import OpenRouterEmulatorSettings


def _model_behaviour(value: str) -> tuple[str, str]:
    model, sep, spec = value.partition("=")
    if not sep or not model or not spec:
        raise argparse.ArgumentTypeError("expected MODEL=BEHAVIOUR, e.g. vendor/model=http_503")
    try:
        parse_behaviour(spec)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return model.strip(), spec.strip()


def parse_args(argv: Sequence[str] | None = None) -> OpenRouterEmulatorSettings:
    """Settings from OREMU_* environment variables, overridden by command-line flags."""
    defaults = OpenRouterEmulatorSettings()
    parser = argparse.ArgumentParser(
        prog="python -m nectar_emulators.openrouter",
        description="Local OpenRouter emulator: POST /api/v1/chat/completions (JSON or SSE) "
        "with scriptable behaviours. Defaults come from OREMU_* environment variables "
        "(OREMU_PORT, OREMU_API_KEY, OREMU_MODEL_BEHAVIOURS as JSON, ...).",
        epilog="Behaviours: ok, text:<reply>, empty_stop, content_filter, length_empty, "
        "refusal_tail, refusal, story_refusal[:<lang>], refuse_unless_prefixed, "
        "http_<code>[:<retry-after s>], timeout[:<s>], slow:<ms>, stream_cut, "
        "mid_stream_error. Prompt caching per model family: OREMU_CACHE_FAMILIES (JSON), "
        "OREMU_CACHE_MIN_TOKENS, OREMU_CACHE_TTL_S, OREMU_STICKY_CACHE_TTL_S. Also selectable per call with a [[emu:<behaviour>]] marker in the "
        "last user message, or through POST /_emulator/script.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add_server_arguments(parser, defaults)
    parser.add_argument(
        "--model-behaviour",
        type=_model_behaviour,
        action="append",
        default=[],
        metavar="MODEL=BEHAVIOUR",
        help="default behaviour of a model ('*' for all); repeatable",
    )
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="MODEL_ID",
        help="model id to list in /api/v1/models (repeatable; replaces the built-in list)",
    )
    parser.add_argument(
        "--api-key",
        default=defaults.api_key,
        help="require this bearer token (unset: any non-empty token)",
    )
    parser.add_argument(
        "--strict-models",
        action="store_true",
        default=defaults.strict_models,
        help="reject model ids that are not listed, like OpenRouter does",
    )
    parser.add_argument(
        "--stream-chunk-delay-ms",
        type=int,
        default=defaults.stream_chunk_delay_ms,
        help="pause between streamed chunks",
    )
    parser.add_argument(
        "--timeout-seconds",
        type=float,
        default=defaults.default_timeout_s,
        help="how long the plain 'timeout' behaviour sleeps",
    )
    args = parser.parse_args(argv)
    return defaults.model_copy(
        update={
            **server_settings(args),
            "model_behaviours": {**defaults.model_behaviours, **dict(args.model_behaviour)},
            "models": args.model or defaults.models,
            "api_key": args.api_key,
            "strict_models": args.strict_models,
            "stream_chunk_delay_ms": args.stream_chunk_delay_ms,
            "default_timeout_s": args.timeout_seconds,
        }
    )


def main(argv: Sequence[str] | None = None) -> None:
    settings = parse_args(argv)
    run_cli(create_app(settings), settings.host, settings.port, settings.log_level)


if __name__ == "__main__":
    main()
