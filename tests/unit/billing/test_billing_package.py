"""Settings, packaged migrations, CLI arguments and the ban on upserts of users."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nectar_billing
import pytest
from nectar_billing.adapters import migrator
from nectar_billing.domain import NewUser, UserRejected
from nectar_billing.entrypoints.cli import build_parser
from nectar_billing.settings import DEFAULT_DATABASE_URL, BillingSettings

PACKAGE_DIR = Path(nectar_billing.__file__).parent


def test_settings_defaults_and_env_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BILLING_DATABASE_URL", "BILLING_MIGRATE_ON_START", "BILLING_OUTBOX_POLL_S"):
        monkeypatch.delenv(name, raising=False)
    defaults = BillingSettings()
    assert defaults.database_url.get_secret_value() == DEFAULT_DATABASE_URL
    assert defaults.migrate_on_start is True
    assert "nectar@127.0.0.1:5433" in DEFAULT_DATABASE_URL

    monkeypatch.setenv("BILLING_DATABASE_URL", "postgresql+asyncpg://u:s3cret@db:5432/b")
    monkeypatch.setenv("BILLING_MIGRATE_ON_START", "false")
    monkeypatch.setenv("BILLING_OUTBOX_POLL_S", "0.25")
    settings = BillingSettings()
    assert settings.migrate_on_start is False
    assert settings.outbox_poll_s == 0.25
    assert "s3cret" not in repr(settings)  # the URL may carry a password: never printed


def test_migrations_ship_inside_the_package() -> None:
    assert migrator.MIGRATIONS_DIR.is_relative_to(PACKAGE_DIR)
    assert (migrator.MIGRATIONS_DIR / "env.py").is_file()
    assert migrator.head_revision() == "0004"


def _upserts(source: str) -> list[str]:
    """`on_conflict_do_update` calls and SQL strings with `DO UPDATE` (docstrings and
    comments, which may name the ban, excluded)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Name) and "on_conflict_do_update" in (
                getattr(node, "attr", None), getattr(node, "id", None)):
            found.append("on_conflict_do_update")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings
              and re.search(r"DO\s+UPDATE", node.value, re.IGNORECASE)):
            found.append(node.value[:60])
    return found


def test_upsert_detector_finds_both_forms() -> None:
    assert _upserts("stmt.on_conflict_do_update(index_elements=['id'])")
    assert _upserts("q = 'INSERT INTO users VALUES (1) ON CONFLICT (id) DO  UPDATE SET x=1'")
    assert not _upserts('"""Never ON CONFLICT (id) DO UPDATE."""\n# DO UPDATE is banned\n')


def test_no_upsert_on_users_anywhere_in_the_package() -> None:
    """RCA "We Deleted 10 Real Users": `ON CONFLICT (id) DO UPDATE` on users silently
    overwrote real users. Nothing in billing may upsert."""
    offenders = {str(path.relative_to(PACKAGE_DIR)): found
                 for path in PACKAGE_DIR.rglob("*.py")
                 if (found := _upserts(path.read_text(encoding="utf-8")))}
    assert offenders == {}


@pytest.mark.parametrize("user", [
    {"id": 0, "auth_source": "telegram"}, {"id": -91111101, "auth_source": "test"},
    {"id": 5, "auth_source": "google"}, {"id": 5, "auth_source": "telegram", "plan": "gold"},
])
def test_invalid_users_are_rejected(user: dict) -> None:
    with pytest.raises(UserRejected):
        NewUser(**user)


def test_cli_arguments() -> None:
    parser = build_parser()
    assert parser.parse_args([]).command is None  # runs the service
    assert parser.parse_args(["migrate"]).revision == "head"
    down = parser.parse_args(["downgrade", "base"])
    assert (down.command, down.revision, down.yes) == ("downgrade", "base", False)
    with pytest.raises(SystemExit):
        parser.parse_args(["downgrade"])  # a target is required
