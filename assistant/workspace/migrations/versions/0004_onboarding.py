"""create the table of the chat's guided onboarding state

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kompas_onboarding",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("kompas_users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("step", sa.String(length=24), nullable=False),
        sa.Column("chapter_index", sa.Integer(), nullable=False),
        sa.Column("check_index", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("intake", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("kompas_onboarding")
