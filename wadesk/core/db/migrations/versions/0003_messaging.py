"""messaging: discount code pools; sandbox flags on campaigns and messages

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discount_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_discount_codes_customer_id_customers"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_discount_codes_campaign_id_campaigns"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_codes")),
        sa.UniqueConstraint("pool", "code", name="uq_discount_codes_pool_code"),
    )
    with op.batch_alter_table("discount_codes", schema=None) as batch_op:
        batch_op.create_index("ix_discount_codes_pool_assigned", ["pool", "assigned_at"], unique=False)
        batch_op.create_index("ix_discount_codes_campaign_customer", ["campaign_id", "customer_id"], unique=False)
    # Sandbox campaigns and messages are never counted as real (reports, caps, costs).
    for table in ("campaigns", "messages"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("is_sandbox", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    for table in ("messages", "campaigns"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("is_sandbox")
    with op.batch_alter_table("discount_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_discount_codes_campaign_customer")
        batch_op.drop_index("ix_discount_codes_pool_assigned")
    op.drop_table("discount_codes")
