#!/usr/bin/env bash
# Idempotent developer setup for the Docker-free local stack.
#  - Debian packages redis-server, postgresql and espeak-ng (the voice service's last-resort
#    speech engine, GPL-3.0, run as a program), only when their binaries are missing
#    (needs root or sudo);
#  - uv, only when missing (pip --user);
#  - the workspace virtualenv .venv from uv.lock (`uv sync --frozen`).
# Prints what it did. Safe to run again and again (`make up` runs it every time).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { printf 'setup: %s\n' "$*"; }

# --- system packages ---------------------------------------------------------
missing=()
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  missing+=(redis-server)
fi
if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null \
   && [ -z "${NECTAR_PG_BIN:-}" ]; then
  missing+=(postgresql)
fi
if ! command -v espeak-ng >/dev/null 2>&1; then
  missing+=(espeak-ng)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    say "missing system packages: ${missing[*]}" >&2
    say "they need root: run 'apt-get update && apt-get install -y ${missing[*]}' as root" >&2
    say "(or install them another way; NECTAR_PG_BIN can point at PostgreSQL's bin dir)" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing system packages: ${missing[*]}, and apt-get is not available;" \
        "install them with your package manager" >&2
    exit 1
  fi
  say "installing ${missing[*]} with apt-get (Debian packages)"
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  say "installed ${missing[*]}"
else
  say "redis-server, PostgreSQL and espeak-ng already installed"
fi

# --- uv ------------------------------------------------------------------------
UV="$(command -v uv || true)"
if [ -z "$UV" ] && [ -x "$HOME/.local/bin/uv" ]; then
  UV="$HOME/.local/bin/uv"
fi
if [ -z "$UV" ]; then
  say "installing uv with pip (--user)"
  python3 -m pip install --user --quiet uv \
    || python3 -m pip install --user --quiet --break-system-packages uv \
    || pip install --quiet uv
  UV="$(command -v uv || echo "$HOME/.local/bin/uv")"
  say "installed uv at $UV"
fi

# --- virtualenv ------------------------------------------------------------
if [ -f uv.lock ]; then
  "$UV" sync --frozen --quiet
else
  "$UV" sync --quiet
fi
say "virtualenv .venv is in sync with uv.lock ($("$UV" --version))"
