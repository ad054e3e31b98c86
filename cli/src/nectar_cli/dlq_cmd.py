"""`nectar dlq`: inspect and replay dead-lettered messages (operators)."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Annotated, Any

import typer

app = typer.Typer(help="Dead letters: messages a consumer parked with a reason.",
                  no_args_is_help=True)


async def _connect(nats_url: str) -> Any:
    """One connection attempt with a readable error (no reconnect storm on stderr)."""
    import nats

    async def quiet(_: Exception) -> None:
        return None

    try:
        return await asyncio.wait_for(
            nats.connect(nats_url, connect_timeout=3, allow_reconnect=False,
                         max_reconnect_attempts=1, error_cb=quiet), timeout=8)
    except Exception as exc:
        typer.echo(f"cannot reach NATS at {nats_url} ({type(exc).__name__}); is the stack "
                   "up? Run `make up` or pass --nats-url.", err=True)
        raise typer.Exit(3) from exc


def _nats_url(url: str | None) -> str:
    if url:
        return url
    from nectar_cli.stackinfo import endpoints

    return endpoints().nats_url


async def _letters(nats_url: str, consumer: str | None) -> list[dict[str, Any]]:
    import nats
    from nats.js.api import DeliverPolicy
    from nectar_contracts import DLQ, dead_letter_subject

    nc = await _connect(nats_url)
    try:
        js = nc.jetstream()
        subject = dead_letter_subject(consumer) if consumer else DLQ.subjects[0]
        info = await js.stream_info(DLQ.name)
        if info.state.messages == 0:
            return []
        sub = await js.subscribe(subject, ordered_consumer=True,
                                 deliver_policy=DeliverPolicy.ALL)
        out: list[dict[str, Any]] = []
        try:
            while True:
                try:
                    msg = await sub.next_msg(timeout=1.0)
                except nats.errors.TimeoutError:
                    break
                letter = json.loads(msg.data)
                letter["dlq_sequence"] = msg.metadata.sequence.stream
                out.append(letter)
                if msg.metadata.num_pending == 0:
                    break
        finally:
            await sub.unsubscribe()
        return out
    finally:
        await nc.close()


@app.command("list")
def list_letters(
    consumer: Annotated[str | None, typer.Option(help="Only this durable consumer's.")] = None,
    nats_url: Annotated[str | None, typer.Option(help="NATS URL (default: the local "
                                                 "stack's).")] = None,
) -> None:
    """Print every dead letter as a JSON line (oldest first), with its DLQ sequence."""
    for letter in asyncio.run(_letters(_nats_url(nats_url), consumer)):
        typer.echo(json.dumps(letter, ensure_ascii=False))


@app.command()
def replay(
    consumer: Annotated[str, typer.Option(help="Replay this consumer's dead letters.")],
    sequence: Annotated[list[int] | None, typer.Option(
        help="Only these DLQ sequences (repeatable); default: all of the consumer's.")] = None,
    apply: Annotated[bool, typer.Option("--apply", help="Really publish (default: dry "
                                        "run).")] = False,
    expect: Annotated[int | None, typer.Option(help="With --apply: the number of messages "
                                               "you expect to replay; refused if it "
                                               "differs.")] = None,
    nats_url: Annotated[str | None, typer.Option(help="NATS URL (default: the local "
                                                 "stack's).")] = None,
) -> None:
    """Publish dead letters' original payloads back on their original subjects, after the
    cause is fixed. Dry run by default; `--apply --expect N` to do it."""
    url = _nats_url(nats_url)
    letters = [letter for letter in asyncio.run(_letters(url, consumer))
               if not sequence or letter["dlq_sequence"] in sequence]
    for letter in letters:
        typer.echo(f"{'replay' if apply else 'would replay'} #{letter['dlq_sequence']} -> "
                   f"{letter['original_subject']} ({letter['error_type']}: "
                   f"{letter['reason'][:100]})")
    typer.echo(f"{len(letters)} message(s)")
    if not apply:
        typer.echo("dry run: nothing published (add --apply --expect N)")
        return
    if expect is None or expect != len(letters):
        typer.echo(f"refused: --expect {expect} does not match {len(letters)}", err=True)
        raise typer.Exit(1)
    asyncio.run(_republish(url, letters))
    typer.echo(f"replayed {len(letters)} message(s)")


async def _republish(nats_url: str, letters: list[dict[str, Any]]) -> None:
    nc = await _connect(nats_url)
    try:
        js = nc.jetstream()
        for letter in letters:
            payload = letter["original_payload"]
            data = (base64.b64decode(payload) if letter["payload_encoding"] == "base64"
                    else payload.encode())
            headers = {k: v for k, v in letter.get("original_headers", {}).items()
                       if k.lower() not in {"nats-msg-id", "nats-expected-stream"}}
            # a fresh message id: the original may still be inside the dedupe window
            headers["Nats-Msg-Id"] = f"replay-{letter['event_id']}"
            await js.publish(letter["original_subject"], data, headers=headers)
    finally:
        await nc.close()
