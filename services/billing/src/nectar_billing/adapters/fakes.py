"""In-memory fakes of billing's ports, for unit tests and the port contract tests.

They keep the semantics that matter: nothing is visible before `commit()`, leaving without
a commit discards everything, a user is never overwritten, a processed pair is claimed once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from nectar_contracts import Event

from nectar_billing.domain import NewUser
from nectar_billing.ports import Publish


@dataclass
class OutboxRow:
    event: Event
    published: bool = False


@dataclass
class FakeBillingStore:
    """Committed state shared by the fake unit of work and the fake outbox store."""

    users: dict[int, NewUser] = field(default_factory=dict)
    outbox: list[OutboxRow] = field(default_factory=list)
    processed: set[tuple[str, uuid.UUID]] = field(default_factory=set)
    commits: int = 0

    def unpublished(self) -> list[Event]:
        return [row.event for row in self.outbox if not row.published]


class FakeUserRepository:
    def __init__(self, store: FakeBillingStore) -> None:
        self.store = store
        self.staged: dict[int, NewUser] = {}

    async def add_if_absent(self, user: NewUser) -> bool:
        if user.id in self.store.users or user.id in self.staged:
            return False
        self.staged[user.id] = user
        return True

    async def get(self, user_id: int) -> NewUser | None:
        return self.staged.get(user_id) or self.store.users.get(user_id)


class FakeOutbox:
    def __init__(self) -> None:
        self.staged: list[Event] = []

    async def put(self, event: Event) -> None:
        self.staged.append(event)


class FakeProcessedEvents:
    def __init__(self, store: FakeBillingStore) -> None:
        self.store = store
        self.staged: set[tuple[str, uuid.UUID]] = set()

    async def claim(self, consumer: str, event_id: uuid.UUID) -> bool:
        key = (consumer, event_id)
        if key in self.store.processed or key in self.staged:
            return False
        self.staged.add(key)
        return True


class FakeUnitOfWork:
    """A transaction over `FakeBillingStore`: staged writes applied on `commit()`."""

    users: FakeUserRepository
    outbox: FakeOutbox
    processed: FakeProcessedEvents

    def __init__(self, store: FakeBillingStore,
                 on_outbox_commit: Callable[[], None] = lambda: None) -> None:
        self.store = store
        self.on_outbox_commit = on_outbox_commit

    async def __aenter__(self) -> Self:
        self.users = FakeUserRepository(self.store)
        self.outbox = FakeOutbox()
        self.processed = FakeProcessedEvents(self.store)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        # Whatever was not committed is dropped, as a rollback would.
        self.users.staged.clear()
        self.outbox.staged.clear()
        self.processed.staged.clear()

    async def commit(self) -> None:
        self.store.users.update(self.users.staged)
        self.store.outbox.extend(OutboxRow(event) for event in self.outbox.staged)
        self.store.processed |= self.processed.staged
        self.store.commits += 1
        wrote_outbox = bool(self.outbox.staged)
        self.users.staged.clear()
        self.outbox.staged.clear()
        self.processed.staged.clear()
        if wrote_outbox:
            self.on_outbox_commit()


class FakeOutboxStore:
    """Relays `FakeBillingStore.outbox` in insertion order."""

    def __init__(self, store: FakeBillingStore) -> None:
        self.store = store

    async def relay_batch(self, publish: Publish, limit: int) -> int:
        sent = 0
        for row in [r for r in self.store.outbox if not r.published][:limit]:
            await publish(row.event)
            row.published = True
            sent += 1
        return sent
