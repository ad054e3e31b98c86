"""Who may do what on NATS: connection options per user, and each service's permissions.

Every service connects as its own NATS user. Its permissions follow from what its code
declares (`ServiceSpec.subscriptions` and `ServiceSpec.publishes`), never from a list typed
by hand; `nectar deploy render` writes them into `deploy/nats/permissions.json` (read by the
local stack) and the NATS Helm values (`deploy/k8s/nats/`):

- publish: the subjects of the events it produces; the dead-letter subject of each of its
  consumers (`nectar.dlq.<consumer>`); for each of its durable consumers exactly the
  JetStream API it calls (create/update, info, pull the next messages) and the acks of that
  consumer (`$JS.ACK.<stream>.<consumer>.>`); `$JS.API.DIRECT.GET.<stream>` where a
  consumer holds a user's order across replicas; `$JS.API.DIRECT.GET.<stream>.<subject>`
  for the events it reads back by subject (`ServiceSpec.reads`: the last message only); `$JS.API.STREAM.INFO.<stream>` for the
  streams it uses (it waits for them at start and never creates them: the streams user does);
- subscribe: only its own inbox prefix (`_INBOX.<user>.>`). It never subscribes to an event
  subject: consumption is by pull, and pulled messages, publish acks and API replies all
  arrive on its inbox, which no other service may read.

Two more users: `streams` (creates and updates the streams: `python -m nectar_runtime.streams`)
and `admin` (operators' `nectar` CLI and the tests: everything).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from nectar_contracts import ALL_STREAMS, Event
from nectar_contracts.streams import DLQ, dead_letter_subject
from nectar_runtime.settings import InfraSettings

#: the one NATS account every Nectar user belongs to (KEDA's `account`)
ACCOUNT = "NECTAR"
#: the user that creates and updates the streams (the streams job)
STREAMS_USER = "streams"
#: operators (the `nectar` CLI) and tests: every subject
ADMIN_USER = "admin"

_API = "$JS.API"


def inbox_prefix(user: str | None) -> str:
    """The inbox prefix of a user's connections: private to it (`_INBOX.<user>`)."""
    return f"_INBOX.{user}" if user else "_INBOX"


def connect_options(infra: InfraSettings) -> dict[str, Any]:
    """Keyword arguments for `nats.connect` / `NatsBroker`: servers, credentials, inbox."""
    options: dict[str, Any] = {"servers": infra.nats_url.split(",")}
    if infra.nats_user:
        options["user"] = infra.nats_user
        options["password"] = (infra.nats_password.get_secret_value()
                               if infra.nats_password else "")
    options["inbox_prefix"] = inbox_prefix(infra.nats_user)
    return options


def streams_used(subscriptions: Sequence[Any], publishes: Iterable[type[Event]]) -> list[str]:
    """The streams a service reads or writes (its consumers', its events', the DLQ when it
    has consumers), in the order of `ALL_STREAMS`."""
    used = {sub.stream for sub in subscriptions} | {event.stream for event in publishes}
    if subscriptions:
        used.add(DLQ.name)
    return [spec.name for spec in ALL_STREAMS if spec.name in used]


def service_permissions(user: str, subscriptions: Sequence[Any],
                        publishes: Iterable[type[Event]],
                        reads: Iterable[type[Event]] = ()) -> dict[str, list[str]]:
    """The NATS permissions of a service's user: `{"publish": [...], "subscribe": [...]}`.

    `subscriptions` are the service's `nectar_runtime.bus.Subscription`s (name, stream,
    filter subject, ordering); `publishes` the event types it produces; `reads` those it
    reads back by subject with a direct get."""
    publishes = list(publishes)
    publish: list[str] = [event.subscription_subject() for event in publishes]
    for sub in subscriptions:
        publish.append(dead_letter_subject(sub.name))
    for stream in streams_used(subscriptions, publishes):
        publish.append(f"{_API}.STREAM.INFO.{stream}")
    for sub in subscriptions:
        stream, durable = sub.stream, sub.name
        publish += [
            # nats-py creates a durable with the legacy subject; newer clients name it
            f"{_API}.CONSUMER.DURABLE.CREATE.{stream}.{durable}",
            f"{_API}.CONSUMER.CREATE.{stream}.{durable}",
            f"{_API}.CONSUMER.CREATE.{stream}.{durable}.>",
            f"{_API}.CONSUMER.INFO.{stream}.{durable}",
            f"{_API}.CONSUMER.MSG.NEXT.{stream}.{durable}",
            f"$JS.ACK.{stream}.{durable}.>",
        ]
        if sub.user_subject(0) is not None:
            publish.append(f"{_API}.DIRECT.GET.{stream}")
    for event in reads:  # the last message by subject: the subject is in the API subject
        publish.append(f"{_API}.DIRECT.GET.{event.stream}.{event.subscription_subject()}")
    return {"publish": _unique(publish), "subscribe": [f"{inbox_prefix(user)}.>"]}


def streams_permissions() -> dict[str, list[str]]:
    """The streams user: create, update and read every Nectar stream, nothing else."""
    publish = [f"{_API}.STREAM.{verb}.{spec.name}" for spec in ALL_STREAMS
               for verb in ("INFO", "CREATE", "UPDATE")]
    return {"publish": publish, "subscribe": [f"{inbox_prefix(STREAMS_USER)}.>"]}


def admin_permissions() -> dict[str, list[str]]:
    """Operators and tests: everything in the account."""
    return {"publish": [">"], "subscribe": [">"]}


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
