"""One plan catalog: no two services may disagree about a plan.

Every service that acts on plans reads them from `nectar_contracts.plans` (the shipped
`plans.toml`, or `NECTAR_PLANS_FILE`) through its own composition root. Each service
contributes a *view*: what it would enforce for every plan, read from its built
dependencies, never from the catalog directly. The tests fail when two views disagree on a
fact, when a view disagrees with the catalog, and when a service does not follow an edited
catalog file (a copy of the numbers somewhere would not move).

To add a service: write `<service>_view() -> {plan: {fact: value}}` from that service's
`build_deps(...)` and register it in `VIEWS`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from nectar_contracts.plans import PACKAGED_PLANS_FILE, PLANS, PlanCatalog, load_plan_catalog

View = dict[str, dict[str, object]]


def billing_view() -> View:
    """What billing sells and grants: prices, periods and entitlements per plan."""
    from nectar_billing.bootstrap import build_deps
    from nectar_billing.settings import BillingSettings

    catalog = build_deps(BillingSettings()).catalog
    return {plan: {"stars": spec.prices.stars, "crypto": spec.prices.crypto,
                   "card": spec.prices.card, "period_days": spec.period_days,
                   "daily_messages": spec.entitlements.daily_messages,
                   "images": spec.entitlements.images,
                   "voice_chars": spec.entitlements.voice_chars,
                   "context_tokens": spec.entitlements.context_tokens,
                   "content_ceiling": spec.entitlements.content_ceiling}
            for plan, spec in catalog.plans.items()}


def llm_view() -> View:
    """What llm enforces per plan: the content ceiling and the context budget of a turn."""
    from nectar_llm.bootstrap import build_deps
    from nectar_llm.settings import LlmSettings
    from opentelemetry.sdk.trace import TracerProvider
    from prometheus_client import CollectorRegistry

    deps = build_deps(LlmSettings(), tracer=TracerProvider().get_tracer("plans"),
                      registry=CollectorRegistry())
    table = deps.routing.current()
    view: View = {}
    for plan in PLANS:
        routes = [table.route(plan, mode) for mode in ("natural", "instant", "explicit")]
        assert len({(r.ceiling, r.context_tokens) for r in routes}) == 1, \
            f"llm gives plan {plan} different limits per content mode"
        view[plan] = {"content_ceiling": routes[0].ceiling,
                      "context_tokens": routes[0].context_tokens}
    return view


#: service -> its view of the plans (the edge adds its Stars prices and daily limits here)
VIEWS: dict[str, Callable[[], View]] = {
    "billing": billing_view,
    "llm": llm_view,
}


def catalog_view(catalog: PlanCatalog) -> View:
    return {plan: {"stars": spec.prices.stars, "crypto": spec.prices.crypto,
                   "card": spec.prices.card, "period_days": spec.period_days,
                   **spec.entitlements.model_dump()}
            for plan, spec in catalog.plans.items()}


def disagreements(views: dict[str, View], truth: View) -> list[str]:
    problems = []
    for (a, view_a), (b, view_b) in itertools.combinations(views.items(), 2):
        for plan in PLANS:
            for fact in view_a.get(plan, {}).keys() & view_b.get(plan, {}).keys():
                if view_a[plan][fact] != view_b[plan][fact]:
                    problems.append(f"{plan}.{fact}: {a} says {view_a[plan][fact]!r}, "
                                    f"{b} says {view_b[plan][fact]!r}")
    for name, view in views.items():
        for plan in PLANS:
            assert plan in view, f"{name} has no view of plan {plan}"
            for fact, value in view[plan].items():
                if fact in truth[plan] and truth[plan][fact] != value:
                    problems.append(f"{plan}.{fact}: {name} says {value!r}, the catalog "
                                    f"says {truth[plan][fact]!r}")
    return problems


def test_disagreement_is_detected() -> None:
    truth = {plan: {"content_ceiling": "sfw"} for plan in PLANS}
    views = {"a": {plan: {"content_ceiling": "sfw"} for plan in PLANS},
             "b": {plan: {"content_ceiling": "sfw"} for plan in PLANS}}
    assert disagreements(views, truth) == []
    views["b"]["premium"]["content_ceiling"] = "explicit"
    assert disagreements(views, truth) == [
        "premium.content_ceiling: a says 'sfw', b says 'explicit'",
        "premium.content_ceiling: b says 'explicit', the catalog says 'sfw'"]


def test_every_service_agrees_with_the_shipped_catalog(monkeypatch) -> None:
    monkeypatch.delenv("NECTAR_PLANS_FILE", raising=False)
    views = {name: view() for name, view in VIEWS.items()}
    assert disagreements(views, catalog_view(load_plan_catalog(PACKAGED_PLANS_FILE))) == []


def _edited_catalog(path: Path) -> Path:
    """The shipped catalog with premium changed in every fact a service may enforce."""
    lines = PACKAGED_PLANS_FILE.read_text().splitlines()
    start = lines.index("[plans.premium]")
    for i in range(start, len(lines)):
        if lines[i].startswith("prices"):
            lines[i] = 'prices = { stars = 777, crypto = "7.77", card = "7.77" }'
        if lines[i].startswith("entitlements"):
            lines[i] = ("entitlements = { daily_messages = 777, images = 7, voice_chars = 7777, "
                        'context_tokens = 12345, content_ceiling = "explicit" }')
            break
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_service_follows_the_shared_catalog_file(monkeypatch, tmp_path: Path) -> None:
    edited = _edited_catalog(tmp_path / "plans.toml")
    monkeypatch.setenv("NECTAR_PLANS_FILE", str(edited))
    truth = catalog_view(load_plan_catalog(edited))
    assert truth["premium"]["content_ceiling"] == "explicit"  # the edit took

    views = {name: view() for name, view in VIEWS.items()}

    assert disagreements(views, truth) == []
    for name, view in views.items():
        for fact, value in view["premium"].items():
            assert value == truth["premium"][fact], f"{name} ignores NECTAR_PLANS_FILE"


@pytest.mark.parametrize("service", sorted(VIEWS))
def test_a_service_view_covers_every_plan(service: str) -> None:
    assert set(VIEWS[service]()) == set(PLANS)
