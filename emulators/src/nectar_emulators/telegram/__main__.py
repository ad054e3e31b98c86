"""`python -m nectar_emulators.telegram`: run the Telegram Bot API emulator."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .._server import add_server_arguments, run_cli, server_settings
from .app import create_app
from .settings import TelegramEmulatorSettings


def parse_args(argv: Sequence[str] | None = None) -> TelegramEmulatorSettings:
    """Settings from TGEMU_* environment variables, overridden by command-line flags."""
    defaults = TelegramEmulatorSettings()
    parser = argparse.ArgumentParser(
        prog="python -m nectar_emulators.telegram",
        description="Local Telegram Bot API emulator: serves /bot<token>/<method> like "
        "api.telegram.org plus a user-side control API under /_emulator. "
        "Defaults come from TGEMU_* environment variables (TGEMU_PORT, "
        "TGEMU_FLOOD_LIMIT_PER_S, TGEMU_WEBHOOK_RETRY_DELAYS_S as JSON, ...).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add_server_arguments(parser, defaults)
    parser.add_argument(
        "--bot-first-name", default=defaults.bot_first_name, help="first_name returned by getMe"
    )
    parser.add_argument(
        "--flood-limit",
        type=float,
        default=defaults.flood_limit_per_s,
        help="per-bot send*/edit* calls allowed per second before 429; 0 disables",
    )
    parser.add_argument(
        "--flood-per-chat",
        type=float,
        default=defaults.flood_per_chat_per_s,
        help="send*/edit* calls to one chat allowed per second (plus a small burst); 0 disables",
    )
    parser.add_argument(
        "--max-long-poll",
        type=float,
        default=defaults.max_long_poll_s,
        help="cap on getUpdates / chat long-poll timeouts, seconds",
    )
    parser.add_argument(
        "--webhook-timeout",
        type=float,
        default=defaults.webhook_timeout_s,
        help="seconds one webhook POST may take",
    )
    parser.add_argument(
        "--lenient-chats",
        action="store_true",
        default=not defaults.strict_chats,
        help="allow sending to chats no user has written from (Telegram answers 'chat not found')",
    )
    args = parser.parse_args(argv)
    return defaults.model_copy(
        update={
            **server_settings(args),
            "bot_first_name": args.bot_first_name,
            "flood_limit_per_s": args.flood_limit,
            "flood_per_chat_per_s": args.flood_per_chat,
            "max_long_poll_s": args.max_long_poll,
            "webhook_timeout_s": args.webhook_timeout,
            "strict_chats": not args.lenient_chats,
        }
    )


def main(argv: Sequence[str] | None = None) -> None:
    settings = parse_args(argv)
    run_cli(create_app(settings), settings.host, settings.port, settings.log_level)


if __name__ == "__main__":
    main()
