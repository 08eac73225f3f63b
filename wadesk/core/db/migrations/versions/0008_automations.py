"""flows and flow_enrolments (issue 8: automations)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("recipe", sa.String(64), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("is_sandbox", sa.Boolean(), nullable=False),
        sa.Column("last_members", sa.LargeBinary(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_flows"),
    )
    op.create_table(
        "flow_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("active_key", sa.String(40), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("next_step_at", sa.DateTime(), nullable=True),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("exited_at", sa.DateTime(), nullable=True),
        sa.Column("exit_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["flow_id"], ["flows.id"], name="fk_flow_enrolments_flow_id_flows", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_flow_enrolments_customer_id_customers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_flow_enrolments"),
        sa.UniqueConstraint("active_key", name="uq_flow_enrolments_active_key"),
    )
    op.create_index("ix_flow_enrolments_flow_customer", "flow_enrolments", ["flow_id", "customer_id"])
    op.create_index("ix_flow_enrolments_state_due", "flow_enrolments", ["state", "next_step_at"])


def downgrade() -> None:
    op.drop_index("ix_flow_enrolments_state_due", table_name="flow_enrolments")
    op.drop_index("ix_flow_enrolments_flow_customer", table_name="flow_enrolments")
    op.drop_table("flow_enrolments")
    op.drop_table("flows")
