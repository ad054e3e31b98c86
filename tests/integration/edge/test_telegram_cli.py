"""`nectar telegram`: webhook management and Stars refunds against the Telegram emulator."""

from __future__ import annotations

import asyncio

import pytest
from nectar_cli.main import app
from typer.testing import CliRunner

pytestmark = pytest.mark.integration


def _env(telegram, token: str, secret: str = "cli-secret_1") -> dict[str, str]:
    return {"EDGE_TELEGRAM_BOT_TOKEN": token, "EDGE_TELEGRAM_API_BASE": telegram.url,
            "EDGE_WEBHOOK_SECRET": secret}


async def _nectar(env: dict[str, str], *args: str):
    # the emulator is served by this event loop: the sync CLI runs in a thread
    return await asyncio.to_thread(CliRunner().invoke, app, ["telegram", *args], env=env)


async def test_set_and_delete_webhook(telegram, token, http) -> None:
    env = _env(telegram, token)
    url = "https://edge.example.com/telegram/webhook"
    done = await _nectar(env, "set-webhook", url)
    info = (await http.get(f"{telegram.url}/bot{token}/getWebhookInfo")).json()["result"]
    shown = await _nectar(env, "webhook-info")
    deleted = await _nectar(env, "delete-webhook")
    after = (await http.get(f"{telegram.url}/bot{token}/getWebhookInfo")).json()["result"]
    assert done.exit_code == 0, done.output
    assert info["url"] == url
    assert "callback_query" in info.get("allowed_updates", ["callback_query"])
    assert url in shown.output and token not in shown.output + done.output
    assert deleted.exit_code == 0 and after["url"] == ""


async def test_set_webhook_without_a_secret_is_refused(telegram, token) -> None:
    env = _env(telegram, token, secret="")
    result = await _nectar(env, "set-webhook", "https://edge.example.com/telegram/webhook")
    assert result.exit_code == 2 and "EDGE_WEBHOOK_SECRET" in result.output


async def test_refund_is_a_dry_run_by_default_and_already_refunded_counts_as_done(
        telegram, token, http, user_id) -> None:
    env = _env(telegram, token)
    await http.post(f"{telegram.url}/_emulator/bots/{token}/users/{user_id}/messages",
                    json={"text": "hi"})
    resp = await http.post(
        f"{telegram.url}/_emulator/bots/{token}/users/{user_id}/successful_payment",
        json={"invoice_payload": "p", "currency": "XTR", "total_amount": 250,
              "telegram_payment_charge_id": f"ch-{user_id}"})
    resp.raise_for_status()
    charge = resp.json()["telegram_payment_charge_id"]

    dry = await _nectar(env, "refund", "--user", str(user_id), "--charge", charge)
    first = await _nectar(env, "refund", "--user", str(user_id), "--charge", charge, "--yes")
    again = await _nectar(env, "refund", "--user", str(user_id), "--charge", charge, "--yes")
    unknown = await _nectar(env, "refund", "--user", str(user_id), "--charge", "nope",
                            "--yes")
    calls = (await http.get(f"{telegram.url}/_emulator/bots/{token}/calls",
                            params={"method": "refundStarPayment"})).json()["calls"]

    assert dry.exit_code == 0 and "dry run" in dry.output
    assert first.exit_code == 0 and "refunded charge" in first.output
    assert again.exit_code == 0 and "already refunded" in again.output
    assert unknown.exit_code == 1 and "CHARGE_NOT_FOUND" in unknown.output
    assert len(calls) == 3, "the dry run called nothing"
