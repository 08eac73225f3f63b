"""campaigns and messages: what the send engine needs (issue 6)

campaigns.settings     the frozen settings of a campaign (holdout, quiet hours, rate, cap, rate card ...)
campaigns.stop_reason  why sending stopped, in plain words, until the owner acts
campaigns.estimated_cost
messages.purpose       campaign | test | automation | reply: one ledger for every send
messages.next_attempt_at  not before (retry backoff, deferral, daily-tier plan, schedule)
messages.error_detail  Meta's details and trace id for the failure shown to the owner
index (campaign_id, status, next_attempt_at) replaces (campaign_id, status): the sender claims the
next due rows of a campaign with one range scan, however long the campaign.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("stop_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("estimated_cost", sa.Numeric(14, 2), nullable=True))
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(12), nullable=False, server_default="campaign"))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("error_detail", sa.Text(), nullable=True))
        batch_op.drop_index("ix_messages_campaign_status")
        batch_op.create_index("ix_messages_campaign_status_next", ["campaign_id", "status", "next_attempt_at"])


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_campaign_status_next")
        batch_op.create_index("ix_messages_campaign_status", ["campaign_id", "status"])
        batch_op.drop_column("error_detail")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("purpose")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("estimated_cost")
        batch_op.drop_column("stop_reason")
        batch_op.drop_column("settings")
