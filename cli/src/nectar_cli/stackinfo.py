"""Where the running local stack is (read from the devstack configuration)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from nectar_devstack.config import StackConfig
from nectar_devstack.stack import Stack


@dataclass(frozen=True)
class Endpoints:
    telegram_api: str
    bot_token: str
    real_telegram: bool
    nats_url: str
    service_urls: dict[str, str]


def running_config() -> StackConfig:
    """The configuration recorded by the last `make up` (falls back to the defaults)."""
    config = StackConfig.from_env()
    if config.stack_json.exists():
        try:
            return StackConfig.from_stack_json(config.stack_json)
        except (OSError, ValueError, KeyError):
            return config
    return config


def endpoints() -> Endpoints:
    config = running_config()
    stack = Stack(config)
    env = stack.env()
    host = config.host
    return Endpoints(
        telegram_api=f"http://{host}:{config.telegram_emulator_port}",
        bot_token=env.get("EDGE_TELEGRAM_BOT_TOKEN", ""),
        real_telegram=bool(config.real_apis and os.environ.get("TELEGRAM_BOT_TOKEN")),
        nats_url=env.get("NECTAR_NATS_URL", f"nats://{host}:{config.nats_port}"),
        service_urls={name: f"http://{host}:{port}"
                      for name, port in config.service_ports.items()},
    )
