"""create the training route tables: chosen route, read cards and reflection answers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kompas_training",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("kompas_users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("route", sa.String(length=16), nullable=False),
        sa.Column("last_card_id", sa.String(length=80), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "kompas_card_reads",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("kompas_users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("card_id", sa.String(length=80), primary_key=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "kompas_reflections",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("kompas_users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("chapter_id", sa.String(length=80), primary_key=True),
        sa.Column("question_index", sa.Integer(), primary_key=True),
        sa.Column("note_id", sa.Integer(), sa.ForeignKey("kompas_notes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("kompas_reflections", "kompas_card_reads", "kompas_training"):
        op.drop_table(table)
