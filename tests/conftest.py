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
    #: the S3-compatible object store (SeaweedFS) and its credentials
    s3_url: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""

    def s3_settings(self, **overrides: object):
        """`nectar_runtime.objectstore.S3Settings` for this object store."""
        from nectar_runtime.objectstore import S3Settings

        values: dict[str, object] = {"url": self.s3_url,
                                     "access_key_id": self.s3_access_key_id,
                                     "secret_access_key": self.s3_secret_access_key}
        return S3Settings(**{**values, **overrides})
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
    key_id, secret = stack.s3_credentials()
    try:
        yield Infra(
            # the admin user: tests publish and read every subject; the services' own users
            # are exercised by the e2e stack and tests/integration/runtime/test_nats_permissions
            nats_url=nats_url(cfg),
            redis_url=f"redis://{cfg.host}:{cfg.redis_port}/0",
            postgres_url=f"postgresql+asyncpg://nectar@{cfg.host}:{cfg.postgres_port}/nectar",
            chroma_url=f"http://{cfg.host}:{cfg.chroma_port}",
            data_dir=data_dir,
            s3_url=f"http://{cfg.host}:{cfg.s3_port}",
            s3_access_key_id=key_id,
            s3_secret_access_key=secret,
            nats_host_port=f"{cfg.host}:{cfg.nats_port}",
        )
    finally:
        if not os.environ.get("NECTAR_KEEP_TEST_INFRA"):
            stack.down()
