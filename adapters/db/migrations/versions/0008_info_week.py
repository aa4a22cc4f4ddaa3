"""The info week: the week, its events (capacity guarded in the event row by conditional
updates and a check constraint), sign-ups (one standing sign-up per contact and event, by a
partial unique index; anonymous once the contact is forgotten) and their reminders and offers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:21:23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "info_week",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("starts", sa.String(length=10), nullable=False),
        sa.Column("ends", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_week")),
        sa.UniqueConstraint("code", name=op.f("uq_info_week_code")),
    )
    op.create_table(
        "info_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("info_week_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("region", sa.String(length=16), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("next_ticket", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "held >= 0 AND waiting >= 0 AND held <= capacity", name=op.f("ck_info_event_places")
        ),
        sa.ForeignKeyConstraint(
            ["info_week_id"],
            ["info_week.id"],
            name=op.f("fk_info_event_info_week_id_info_week"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_info_event_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_event")),
        sa.UniqueConstraint("code", name=op.f("uq_info_event_code")),
    )
    with op.batch_alter_table("info_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_info_event_info_week_id"), ["info_week_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_info_event_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_info_event_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "event_signup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("ticket", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_event_signup_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["info_event.id"],
            name=op.f("fk_event_signup_event_id_info_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_signup")),
        sa.UniqueConstraint("code", name=op.f("uq_event_signup_code")),
    )
    with op.batch_alter_table("event_signup", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_signup_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            "ix_event_signup_event_ticket", ["event_id", "status", "ticket"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_signup_offer_expires_at"), ["offer_expires_at"], unique=False
        )
        batch_op.create_index(
            "uq_event_signup_standing",
            ["event_id", "contact_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('confirmed', 'waiting', 'offered')"),
            postgresql_where=sa.text("status IN ('confirmed', 'waiting', 'offered')"),
        )

    op.create_table(
        "event_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signup_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["signup_id"],
            ["event_signup.id"],
            name=op.f("fk_event_reminder_signup_id_event_signup"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_reminder")),
    )
    with op.batch_alter_table("event_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_reminder_due_at"), ["due_at"], unique=False)
        batch_op.create_index("uq_event_reminder_signup_kind", ["signup_id", "kind"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("event_reminder", schema=None) as batch_op:
        batch_op.drop_index("uq_event_reminder_signup_kind")
        batch_op.drop_index(batch_op.f("ix_event_reminder_due_at"))

    op.drop_table("event_reminder")
    with op.batch_alter_table("event_signup", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_event_signup_standing",
            sqlite_where=sa.text("status IN ('confirmed', 'waiting', 'offered')"),
            postgresql_where=sa.text("status IN ('confirmed', 'waiting', 'offered')"),
        )
        batch_op.drop_index(batch_op.f("ix_event_signup_offer_expires_at"))
        batch_op.drop_index("ix_event_signup_event_ticket")
        batch_op.drop_index(batch_op.f("ix_event_signup_contact_id"))

    op.drop_table("event_signup")
    with op.batch_alter_table("info_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_info_event_starts_at"))
        batch_op.drop_index(batch_op.f("ix_info_event_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_info_event_info_week_id"))

    op.drop_table("info_event")
    op.drop_table("info_week")
