"""Starting a service: `run` turns a configuration that cannot work into one line and exit
status 2 (never a traceback, never a half-started process); `lifecycles` picks the adapters
the runtime opens and checks."""

from __future__ import annotations

import pytest
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from nectar_runtime import ConfigurationError, InfraSettings, Managed, lifecycles, run


class _Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="UNITSVC_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)
    workers: int = Field(1, ge=1)


def _never_built(settings):  # pragma: no cover - must not be reached
    raise AssertionError("the app was built from invalid settings")


def test_settings_that_do_not_validate_stop_before_the_app(monkeypatch, capsys) -> None:
    monkeypatch.setenv("UNITSVC_WORKERS", "0")
    with pytest.raises(SystemExit) as stopped:
        run("unitsvc", _Settings, _never_built, 9999)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("nectar-unitsvc cannot start:") and "workers" in err


def test_a_configuration_error_of_the_composition_root_is_one_line(capsys) -> None:
    def create_app(settings):
        raise ConfigurationError("UNITSVC_ENABLED=true needs a widget; set it to false")

    with pytest.raises(SystemExit) as stopped:
        run("unitsvc", _Settings, create_app, 9999)
    assert stopped.value.code == 2
    assert capsys.readouterr().err == (
        "nectar-unitsvc cannot start: UNITSVC_ENABLED=true needs a widget; set it to false\n")


def test_other_errors_are_not_swallowed() -> None:
    def create_app(settings):
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        run("unitsvc", _Settings, create_app, 9999)


class _Pool:
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def check(self) -> None: ...


def test_lifecycles_keep_the_managed_adapters_in_order() -> None:
    pool, other = _Pool(), _Pool()
    found = lifecycles(renderer=pool, plain=object(), absent=None, store=other)
    assert list(found) == ["renderer", "store"]
    assert found["renderer"] is pool and all(isinstance(m, Managed) for m in found.values())
