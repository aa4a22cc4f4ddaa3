"""Initial schema: contacts (pseudonymous), sessions, inbound dedup, outbox, handoffs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 03:00:43.867211
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("language_source", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("channel", "key", name="uq_contact_channel_key"),
    )
    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_handoff_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff")),
    )
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_contact_id"), ["contact_id"], unique=False)

    op.create_table(
        "inbound_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_inbound_message_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_message")),
        sa.UniqueConstraint("channel", "message_id", name="uq_inbound_message_channel_message_id"),
    )
    with op.batch_alter_table("inbound_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_message_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_outbox_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_contact_id"), ["contact_id"], unique=False)

    op.create_table(
        "session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_session_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session")),
        sa.UniqueConstraint("contact_id", name=op.f("uq_session_contact_id")),
    )
    op.create_table(
        "handoff_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoff.id"],
            name=op.f("fk_handoff_message_handoff_id_handoff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_message")),
    )
    with op.batch_alter_table("handoff_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_handoff_message_handoff_id"), ["handoff_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("handoff_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_message_handoff_id"))

    op.drop_table("handoff_message")
    op.drop_table("session")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_contact_id"))

    op.drop_table("outbox")
    with op.batch_alter_table("inbound_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_message_contact_id"))

    op.drop_table("inbound_message")
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_contact_id"))

    op.drop_table("handoff")
    op.drop_table("contact")
