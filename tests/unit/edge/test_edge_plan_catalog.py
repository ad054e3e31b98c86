"""One plan catalog: the edge sells and limits exactly what `nectar_contracts.plans` says
(billing owns the file); nothing is copied into the edge's settings."""

from __future__ import annotations

from pathlib import Path

from edge_fakes import World, incoming
from nectar_contracts.plans import PACKAGED_PLANS_FILE, load_plan_catalog
from nectar_edge import handlers
from nectar_edge.bootstrap import policy_from
from nectar_edge.settings import EdgeSettings

TOKEN = "123456:abcdefghijklmnopqrstuvwxyz"


def _settings() -> EdgeSettings:
    return EdgeSettings(telegram_bot_token=TOKEN, telegram_api_base="http://127.0.0.1:9")


def test_the_edge_and_the_catalog_agree_on_prices_and_daily_limits() -> None:
    catalog = load_plan_catalog()
    policy = policy_from(_settings())
    assert dict(policy.star_prices) == {p.name: p.prices.stars for p in catalog.paid()}
    assert dict(policy.daily_turn_limits) == {
        name: plan.entitlements.daily_messages for name, plan in catalog.plans.items()}
    assert "free" not in policy.star_prices, "the free plan is not for sale"


def test_the_edge_keeps_no_copy_of_prices_or_limits_in_its_settings() -> None:
    fields = set(EdgeSettings.model_fields)
    assert not fields & {"star_prices", "daily_turn_limits"}


async def test_buy_offers_the_catalogs_plans_at_its_prices_cheapest_first() -> None:
    world = World(policy=policy_from(_settings()))
    await handlers.offer_plans(incoming(61, "/buy"), world.deps)
    [keyboard] = world.messenger.keyboards(61)
    catalog = load_plan_catalog()
    assert [row[0].data for row in keyboard] == [f"buy:{p.name}" for p in catalog.paid()]
    for row, plan in zip(keyboard, catalog.paid(), strict=True):
        assert f"{plan.prices.stars} ⭐" in row[0].text


def test_another_catalog_file_changes_the_edge_too(tmp_path: Path, monkeypatch) -> None:
    text = PACKAGED_PLANS_FILE.read_text().replace(
        "prices = { stars = 500,", "prices = { stars = 555,").replace(
        "daily_messages = 30,", "daily_messages = 7,")
    other = tmp_path / "plans.toml"
    other.write_text(text)
    monkeypatch.setenv("NECTAR_PLANS_FILE", str(other))
    policy = policy_from(_settings())
    assert policy.star_prices["premium"] == 555 == load_plan_catalog()["premium"].stars
    assert policy.daily_turn_limits["free"] == 7
