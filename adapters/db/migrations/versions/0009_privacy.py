"""Privacy and dead letters: an outbox message the channel refused for good is set aside
(``failed_at``, ``failed_reason``); a booking outlives the erasure of its person, detached
(``contact_id`` NULL, ``erased_at``), so the organisation keeps its reference; platform
message ids are stored as keyed hashes from now on: the raw ids stored so far in
``delivery_status`` and in ``inbound_message`` rows of erased contacts are deleted (the other
``inbound_message`` rows expire within 8 days, by the retention job).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_reason", sa.String(length=64), nullable=True))
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("contact_id", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint("fk_booking_contact_id_contact", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_booking_contact_id_contact", "contact", ["contact_id"], ["id"], ondelete="SET NULL"
        )
    op.execute("DELETE FROM delivery_status")
    op.execute("DELETE FROM inbound_message WHERE contact_id IS NULL")


def downgrade() -> None:
    op.execute("DELETE FROM booking WHERE contact_id IS NULL")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_constraint("fk_booking_contact_id_contact", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_booking_contact_id_contact", "contact", ["contact_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.alter_column("contact_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("failed_reason")
        batch_op.drop_column("failed_at")
