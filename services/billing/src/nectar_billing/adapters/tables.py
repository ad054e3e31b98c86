"""SQLAlchemy Core tables of the billing database.

The schema itself is owned by the Alembic migrations (`nectar_billing/migrations`); these
definitions mirror it for queries and must change together with a new revision.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    MetaData,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("auth_source", Text, nullable=False),
    Column("plan", Text, nullable=False, server_default="free"),
    Column("language", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("id > 0", name="users_id_positive"),
)

outbox = Table(
    "outbox", metadata,
    Column("event_id", UUID(as_uuid=True), primary_key=True),
    Column("seq", BigInteger, Identity(always=True), nullable=False, unique=True),
    Column("subject", Text, nullable=False),
    Column("stream", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("trace_context", JSONB, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True), nullable=True),
)

processed_events = Table(
    "processed_events", metadata,
    Column("consumer", Text, primary_key=True),
    Column("event_id", UUID(as_uuid=True), primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False,
           server_default=func.now()),
)
