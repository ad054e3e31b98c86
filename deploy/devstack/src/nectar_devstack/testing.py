"""Helpers for test suites that need real infrastructure.

    from nectar_devstack.testing import start_infra

    @pytest.fixture(scope="session")
    def infra(tmp_path_factory):
        stack, cfg = start_infra(tmp_path_factory.mktemp("infra"))
        yield cfg          # cfg.nats_port, cfg.postgres_port, ... ; stack.env() for services
        stack.down()

Every stack started here gets its own data dir and free ports, never talks to the real
Telegram/OpenRouter, and is stopped at interpreter exit if the test forgot to.
"""

from __future__ import annotations

import atexit
import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import nats_auth
from .config import INFRA, StackConfig, find_repo_root
from .stack import Stack

POSTGRES_USER = "nectar"
POSTGRES_DB = "nectar"


def start_stack(
    tmp_dir: Path | str,
    components: Sequence[str] | None = None,
    timeout: float = 120,
    **config_overrides: object,
) -> tuple[Stack, StackConfig]:
    """Start an isolated stack (data in tmp_dir, free ports); down() it yourself when done."""
    config = StackConfig.free_ports(Path(tmp_dir), **config_overrides)  # type: ignore[arg-type]
    stack = Stack(config, components)
    atexit.register(_quiet_down, stack)
    try:
        stack.up(wait=True, timeout=timeout)
    except BaseException:
        _quiet_down(stack)
        raise
    return stack, config


def start_infra(tmp_dir: Path | str, timeout: float = 120) -> tuple[Stack, StackConfig]:
    """NATS (JetStream), PostgreSQL, Redis and Chroma on free ports with data in tmp_dir."""
    return start_stack(tmp_dir, INFRA, timeout=timeout)


@contextlib.contextmanager
def running_infra(tmp_dir: Path | str, timeout: float = 120) -> Iterator[tuple[Stack, StackConfig]]:
    stack, config = start_infra(tmp_dir, timeout=timeout)
    try:
        yield stack, config
    finally:
        stack.down()


def nats_url(config: StackConfig, user: str = nats_auth.ADMIN_USER) -> str:
    """The stack's NATS URL with a user's credentials: the admin by default (every subject);
    a service's name for that service's user, with its generated permissions."""
    users = list(nats_auth.load_permissions(find_repo_root())["users"])
    password = nats_auth.passwords(config.secrets_dir, users)[user]
    return nats_auth.url_with_credentials(config.nats_servers, user, password)


def redis_url(config: StackConfig, db: int = 0) -> str:
    return f"redis://{config.host}:{config.redis_port}/{db}"


def postgres_dsn(config: StackConfig, driver: str = "postgresql") -> str:
    """postgresql://nectar@host:port/nectar (driver="postgresql+asyncpg" for SQLAlchemy)."""
    return f"{driver}://{POSTGRES_USER}@{config.host}:{config.postgres_port}/{POSTGRES_DB}"


def chroma_url(config: StackConfig) -> str:
    return f"http://{config.host}:{config.chroma_port}"


def _quiet_down(stack: Stack) -> None:
    with contextlib.suppress(Exception):
        stack.down()
