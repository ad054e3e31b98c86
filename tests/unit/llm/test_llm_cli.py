"""`nectar llm route` and `nectar llm salvage`."""

from __future__ import annotations

import pytest
from llm_fakes import PRIMARY, write_routing
from nectar_cli.main import app
from nectar_llm.domain.salvage import salvage
from salvage_corpus import corpus, stories
from typer.testing import CliRunner

runner = CliRunner()


def test_route_prints_the_chain_of_a_plan_and_mode() -> None:
    result = runner.invoke(app, ["llm", "route", "--plan", "free", "--mode", "natural"])
    assert result.exit_code == 0, result.output
    assert "#0 primary     qwen/qwen3-235b-a22b-2507" in result.output
    assert "no rescue calls" in result.output


def test_route_reads_another_file_and_rejects_unknown_plans(tmp_path) -> None:
    path = write_routing(tmp_path / "r.toml")
    ok = runner.invoke(app, ["llm", "route", "--plan", "basic", "--file", str(path)])
    assert ok.exit_code == 0 and PRIMARY in ok.output and "rescue 1" in ok.output
    bad = runner.invoke(app, ["llm", "route", "--plan", "gold", "--file", str(path)])
    assert bad.exit_code == 2 and "unknown plan 'gold'" in bad.output


def test_route_refuses_an_invalid_file_with_the_key_named(tmp_path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(write_routing(tmp_path / "ok.toml").read_text().replace(
        "version = 1", "version = 2"))
    result = runner.invoke(app, ["llm", "route", "--plan", "free", "--file", str(path)])
    assert result.exit_code == 2 and "unsupported routing file version 2" in result.output


def test_route_docs_check_passes_on_the_committed_page() -> None:
    result = runner.invoke(app, ["llm", "route", "--docs", "--check"])
    assert result.exit_code == 0, result.output


def test_salvage_prints_the_story_or_exits_1() -> None:
    story = stories("de")[0]
    tail = "Es tut mir leid, aber ich kann dieses Gespräch nicht fortsetzen."
    ok = runner.invoke(app, ["llm", "salvage"], input=f"{story} {tail}")
    assert ok.exit_code == 0 and ok.output.strip() == story
    refused = runner.invoke(app, ["llm", "salvage"], input=tail)
    assert refused.exit_code == 1 and refused.output == ""


@pytest.mark.timeout(600)
def test_salvage_cli_agrees_with_the_function_across_the_corpus() -> None:
    # every language and several styles and shapes (each sentence is embedded: kept small)
    cases = corpus("tune")[::150]
    assert len({c.language for c in cases}) == 17
    for case in cases:
        result = runner.invoke(app, ["llm", "salvage"], input=case.text)
        expected = salvage(case.text)
        if expected is None:
            assert result.exit_code == 1 and result.stdout == "", case.id
        else:
            assert result.exit_code == 0 and result.stdout == expected + "\n", case.id


def test_salvage_explain_prints_each_decision_on_stderr() -> None:
    story = stories("en")[0]
    result = runner.invoke(app, ["llm", "salvage", "--explain"],
                           input=f"{story}\n\n[OOC: I can't continue this scene.]")
    assert result.exit_code == 0
    assert result.stdout == story + "\n"
    assert "REFUSAL" in result.stderr and "ooc=" in result.stderr
    assert "cut at offset" in result.stderr
