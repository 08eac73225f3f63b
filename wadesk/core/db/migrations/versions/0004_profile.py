"""profile: customer metrics, per-category counts, refresh history

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_table(
        "customer_metrics",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("total_spent", _MONEY, nullable=False),
        sa.Column("aov", _MONEY, nullable=True),
        sa.Column("first_order_at", sa.DateTime(), nullable=True),
        sa.Column("last_order_at", sa.DateTime(), nullable=True),
        sa.Column("days_since_last_order", sa.Integer(), nullable=True),
        sa.Column("avg_days_between_orders", sa.Float(), nullable=True),
        sa.Column("cod_orders", sa.Integer(), nullable=False),
        sa.Column("cod_share", sa.Float(), nullable=True),
        sa.Column("rto_count", sa.Integer(), nullable=False),
        sa.Column("rto_rate", sa.Float(), nullable=True),
        sa.Column("cancelled_orders", sa.Integer(), nullable=False),
        sa.Column("discount_orders", sa.Integer(), nullable=False),
        sa.Column("discount_share", sa.Float(), nullable=True),
        sa.Column("favourite_category", sa.String(length=64), nullable=True),
        sa.Column("product_views", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("last_read_at", sa.DateTime(), nullable=True),
        sa.Column("last_replied_at", sa.DateTime(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("funnel_stage", sa.String(length=16), nullable=False),
        sa.Column("r", sa.SmallInteger(), nullable=False),
        sa.Column("f", sa.SmallInteger(), nullable=False),
        sa.Column("m", sa.SmallInteger(), nullable=False),
        sa.Column("r_pct", sa.Float(), nullable=True),
        sa.Column("f_pct", sa.Float(), nullable=True),
        sa.Column("m_pct", sa.Float(), nullable=True),
        sa.Column("rfm_group", sa.String(length=24), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_customer_metrics_customer_id_customers"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_metrics")),
    )
    op.create_table(
        "customer_category_stats",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("purchases", sa.Integer(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_customer_category_stats_customer_id_customers"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("customer_id", "category", name=op.f("pk_customer_category_stats")),
    )
    op.create_table(
        "profile_refreshes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("ms", sa.Integer(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_refreshes")),
    )


def downgrade() -> None:
    op.drop_table("profile_refreshes")
    op.drop_table("customer_category_stats")
    op.drop_table("customer_metrics")
