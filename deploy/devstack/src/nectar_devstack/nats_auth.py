"""NATS users of the local stack: the permissions generated from the contracts, with
passwords made once per data directory.

`deploy/nats/permissions.json` is written by `nectar deploy render` from every service's
code (what it consumes and publishes; a contract test keeps it current). The local stack
runs nats-server with exactly those users and permissions, so every test and every
`make up` exercises them; Kubernetes gets the same users through the NATS Helm values
(`deploy/k8s/nats/`). Passwords are random, in `<data_dir>/secrets/nats_users.json` (mode
600), never committed; the server's config with them is `<data_dir>/secrets/nats.conf`.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

PERMISSIONS_FILE = Path("deploy") / "nats" / "permissions.json"
ADMIN_USER = "admin"
STREAMS_USER = "streams"


def load_permissions(repo_root: Path) -> dict[str, Any]:
    """The generated permissions: `{"account": ..., "users": {user: {publish, subscribe}}}`."""
    path = repo_root / PERMISSIONS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} is missing: run `nectar deploy render`") from None
    return dict(data)


def passwords(secrets_dir: Path, users: list[str]) -> dict[str, str]:
    """One random password per user, made once per data dir (new users get one too)."""
    path = secrets_dir / "nats_users.json"
    current: dict[str, str] = {}
    if path.exists():
        current = json.loads(path.read_text(encoding="utf-8"))
    missing = [u for u in users if u not in current]
    if missing:
        current.update({u: secrets.token_hex(24) for u in missing})
        _write_private(path, json.dumps(current, indent=2) + "\n")
    return {u: current[u] for u in users}


def server_config(permissions: dict[str, Any], passwords: dict[str, str]) -> str:
    """nats-server configuration (JSON is valid NATS config): one account, its users."""
    users = []
    for user, perms in permissions["users"].items():
        users.append({"user": user, "password": passwords[user], "permissions": {
            "publish": {"allow": perms["publish"]},
            "subscribe": {"allow": perms["subscribe"]}}})
    config = {"accounts": {permissions["account"]: {"jetstream": "enabled", "users": users}}}
    return json.dumps(config, indent=2) + "\n"


def write_server_config(repo_root: Path, secrets_dir: Path) -> tuple[Path, dict[str, str]]:
    """Write `<secrets_dir>/nats.conf`; returns its path and every user's password."""
    permissions = load_permissions(repo_root)
    pws = passwords(secrets_dir, list(permissions["users"]))
    path = secrets_dir / "nats.conf"
    _write_private(path, server_config(permissions, pws))
    return path, pws


def url_with_credentials(url: str, user: str, password: str) -> str:
    """`nats://host:port` -> `nats://user:password@host:port` (each server of a list)."""
    out = []
    for server in url.split(","):
        scheme, _, rest = server.partition("://")
        out.append(f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{rest}")
    return ",".join(out)


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    tmp.replace(path)
