"""`nectar llm`: the llm service's routing table and salvage, from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="LLM routing and salvage (the llm service's policies).",
                  no_args_is_help=True)

DOCS_PAGE = Path(__file__).resolve().parents[3] / "docs" / "llm-routing.md"


@app.command("route")
def route(
    plan: Annotated[str | None, typer.Option("--plan", help="Plan tier: free, basic, "
                                             "premium, vip, elite.")] = None,
    mode: Annotated[str, typer.Option("--mode", help="Content mode: natural, instant, "
                                      "explicit.")] = "natural",
    file: Annotated[Path | None, typer.Option("--file", help="Routing file (default: the "
                                              "one shipped with the llm service).")] = None,
    docs: Annotated[bool, typer.Option("--docs", help="Write docs/llm-routing.md from the "
                                       "routing file instead.")] = False,
    check: Annotated[bool, typer.Option("--check", help="With --docs: compare, do not "
                                        "write (exit 1 when stale).")] = False,
) -> None:
    """Print the model chain that would answer a turn of PLAN in content MODE (validating
    the routing file first), or generate the public tier -> model table with --docs."""
    from nectar_llm.domain.routing import RoutingError, render_markdown
    from nectar_llm.routing_file import DEFAULT_ROUTING_FILE, load_routing

    try:
        table = load_routing(file or DEFAULT_ROUTING_FILE)
        if docs:
            text = render_markdown(table)
            if check:
                if not DOCS_PAGE.exists() or DOCS_PAGE.read_text() != text:
                    typer.echo(f"{DOCS_PAGE} is stale; run `nectar llm route --docs`",
                               err=True)
                    raise typer.Exit(1)
                typer.echo("llm routing docs are up to date")
                return
            DOCS_PAGE.write_text(text)
            typer.echo(f"wrote {DOCS_PAGE}")
            return
        if plan is None:
            typer.echo("--plan is required (free, basic, premium, vip, elite)", err=True)
            raise typer.Exit(2)
        typer.echo(table.describe(plan, mode))
    except RoutingError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


@app.command("salvage")
def salvage_cmd(
    explain: Annotated[bool, typer.Option("--explain", help="Also print, on stderr, every "
                                          "sentence's decision with its score and the cues "
                                          "behind it.")] = False,
) -> None:
    """Read a model output on stdin; print the salvaged text (exit 0) or nothing (exit 1).

    JSON-wrapped output gives its `content` field; the text is cut before the first
    out-of-character sentence (a refusal, a redirect, an OOC note or disclaimer, in any of 17
    languages; a character's own words are kept), a dangling fragment is dropped, and under
    150 characters nothing is left. The same function runs in the llm service."""
    from nectar_llm.domain.salvage import explain as explain_text
    from nectar_llm.domain.salvage import salvage

    text = sys.stdin.read()
    if explain:
        for line in explain_text(text):
            typer.echo(line, err=True)
    result = salvage(text)
    if result is None:
        raise typer.Exit(1)
    typer.echo(result)
