"""segments: the members last seen (for "N entered, M left since …")

`last_members` holds the sorted member ids, delta-encoded and zlib-compressed
(wadesk.core.segments.changes), so a 1,000,000-member segment is a few hundred KB, not a JSON list.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_members", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("last_members_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_column("last_members_at")
        batch_op.drop_column("last_members")
