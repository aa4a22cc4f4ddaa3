"""A handoff remembers when its organisation was told of it (Telegram group or e-mail), so
that it is told once, whichever process sends.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_column("notified_at")
