"""Contacts keep an encrypted reply address (to retry and push messages) and whether the
channel refused delivery (the person blocked the bot).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_address", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_unsent", ["channel", "sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_unsent")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("unreachable_at")
        batch_op.drop_column("reply_address")
