"""Loading and hot-reloading of the routing file (`routing.toml`).

`load_routing(path)` reads and validates a file (`RoutingError` with the offending key on any
problem) together with the plan catalog (`nectar_contracts.plans`: every plan's content
ceiling and context budget; read here, never copied into the routing file). `RoutingSource` holds the current table and re-reads the file when its mtime
changes, at most once per `check_interval_s`; an invalid edit is logged and refused, the
previous table stays in force, so a typo never takes the service down.
"""

from __future__ import annotations

import logging
import time
import tomllib
from pathlib import Path

from nectar_contracts.plans import PlanCatalog, PlanCatalogError, load_plan_catalog

from nectar_llm.domain.routing import RoutingError, RoutingTable

log = logging.getLogger("nectar.llm.routing")

#: the routing file shipped with the service
DEFAULT_ROUTING_FILE = Path(__file__).with_name("routing.toml")


def load_routing(path: Path, plans: PlanCatalog | None = None) -> RoutingTable:
    """The validated routing table in `path`, with `plans` (default: the plan catalog in
    force, `NECTAR_PLANS_FILE` or the one in nectar_contracts)."""
    if plans is None:
        try:
            plans = load_plan_catalog()
        except PlanCatalogError as exc:
            raise RoutingError(str(exc)) from None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RoutingError(f"cannot read routing file {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RoutingError(f"routing file {path} is not valid TOML: {exc}") from None
    return RoutingTable.from_mapping(data, plans, source=str(path))


class RoutingSource:
    """The routing table in force, reloaded when the file changes."""

    def __init__(self, path: Path, check_interval_s: float = 2.0,
                 plans: PlanCatalog | None = None) -> None:
        self.path = path
        self.check_interval_s = check_interval_s
        self.plans = plans
        self._table = load_routing(path, plans)
        self._mtime = self._stat()
        self._checked = time.monotonic()
        self.reloads = 0
        self.reload_errors = 0

    def _stat(self) -> float | None:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return None

    def current(self) -> RoutingTable:
        """The table; re-reads the file first when it changed since the last look."""
        now = time.monotonic()
        if now - self._checked >= self.check_interval_s:
            self._checked = now
            self.reload_if_changed()
        return self._table

    def reload_if_changed(self) -> bool:
        """Re-read a changed file; True when a new table took effect."""
        mtime = self._stat()
        if mtime == self._mtime:
            return False
        self._mtime = mtime
        try:
            table = load_routing(self.path, self.plans)
        except RoutingError as exc:
            self.reload_errors += 1
            log.error("routing file change refused; the previous table stays",
                      extra={"error": str(exc)})
            return False
        self._table = table
        self.reloads += 1
        log.info("routing file reloaded", extra={"path": str(self.path),
                                                 "version": table.version})
        return True
