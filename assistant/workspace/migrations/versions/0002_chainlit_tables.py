"""create the tables of Chainlit's SQLAlchemy data layer (chat history)

Chainlit 2.12's SQLAlchemyDataLayer reads and writes these tables with hand-written SQL and
never creates them. Column names follow its queries; JSON values are stored as text because
the data layer serialises them itself.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("identifier", sa.Text(), nullable=False, unique=True),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.Column("createdAt", sa.Text()),
    )
    op.create_table(
        "threads",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("createdAt", sa.Text()),
        sa.Column("name", sa.Text()),
        sa.Column("userId", sa.Text(), sa.ForeignKey("users.id", ondelete="CASCADE")),
        sa.Column("userIdentifier", sa.Text()),
        sa.Column("tags", sa.Text()),
        sa.Column("metadata", sa.Text()),
    )
    op.create_table(
        "steps",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("threadId", sa.Text(), sa.ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
        sa.Column("parentId", sa.Text()),
        sa.Column("streaming", sa.Boolean(), nullable=False),
        sa.Column("waitForAnswer", sa.Boolean()),
        sa.Column("isError", sa.Boolean()),
        sa.Column("metadata", sa.Text()),
        sa.Column("tags", sa.Text()),
        sa.Column("input", sa.Text()),
        sa.Column("output", sa.Text()),
        sa.Column("createdAt", sa.Text()),
        sa.Column("command", sa.Text()),
        sa.Column("modes", sa.Text()),
        sa.Column("start", sa.Text()),
        sa.Column("end", sa.Text()),
        sa.Column("generation", sa.Text()),
        sa.Column("showInput", sa.Text()),
        sa.Column("language", sa.Text()),
        sa.Column("indent", sa.Integer()),
        sa.Column("defaultOpen", sa.Boolean()),
        sa.Column("autoCollapse", sa.Boolean()),
    )
    op.create_table(
        "elements",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("threadId", sa.Text(), sa.ForeignKey("threads.id", ondelete="CASCADE")),
        sa.Column("type", sa.Text()),
        sa.Column("url", sa.Text()),
        sa.Column("chainlitKey", sa.Text()),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("display", sa.Text()),
        sa.Column("objectKey", sa.Text()),
        sa.Column("size", sa.Text()),
        sa.Column("page", sa.Integer()),
        sa.Column("language", sa.Text()),
        sa.Column("forId", sa.Text()),
        sa.Column("mime", sa.Text()),
        sa.Column("props", sa.Text()),
        sa.Column("autoPlay", sa.Boolean()),
        sa.Column("playerConfig", sa.Text()),
    )
    op.create_table(
        "feedbacks",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("forId", sa.Text(), nullable=False),
        sa.Column("threadId", sa.Text(), sa.ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text()),
    )


def downgrade() -> None:
    for table in ("feedbacks", "elements", "steps", "threads", "users"):
        op.drop_table(table)
