"""A booking keeps the language its reminders are written in, when the person chose one
because their channel cannot send a reminder in their own (WhatsApp: Pashto, Tigrinya, Somali),
and whether they want reminders at all.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_language", sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column("reminders_wanted", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_column("reminders_wanted")
        batch_op.drop_column("reminder_language")
