"""Shared fixtures: real infrastructure (NATS with JetStream, Postgres, Redis, Chroma) started
once per test session by the project's own stack code, on free ports, in a temp directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Infra:
    """Endpoints of the real infrastructure started for the test session."""

    nats_url: str
    redis_url: str
    postgres_url: str  # SQLAlchemy asyncpg URL of the `nectar` database
    chroma_url: str
    data_dir: Path
    nats_host_port: str = ""

    def nats_user(self, user: str) -> tuple[str, str]:
        """(plain NATS URL, password) of one of the stack's NATS users (a service's name,
        `streams` or `admin`), with the permissions generated from the contracts."""
        from nectar_devstack import nats_auth
        from nectar_devstack.config import find_repo_root

        users = list(nats_auth.load_permissions(find_repo_root())["users"])
        password = nats_auth.passwords(self.data_dir / "secrets", users)[user]
        return f"nats://{self.nats_host_port}", password


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infra]:
    from nectar_devstack.testing import nats_url, start_infra

    data_dir = tmp_path_factory.mktemp("infra")
    stack, cfg = start_infra(data_dir)
    try:
        yield Infra(
            # the admin user: tests publish and read every subject; the services' own users
            # are exercised by the e2e stack and tests/integration/runtime/test_nats_permissions
            nats_url=nats_url(cfg),
            redis_url=f"redis://{cfg.host}:{cfg.redis_port}/0",
            postgres_url=f"postgresql+asyncpg://nectar@{cfg.host}:{cfg.postgres_port}/nectar",
            chroma_url=f"http://{cfg.host}:{cfg.chroma_port}",
            data_dir=data_dir,
            nats_host_port=f"{cfg.host}:{cfg.nats_port}",
        )
    finally:
        if not os.environ.get("NECTAR_KEEP_TEST_INFRA"):
            stack.down()
