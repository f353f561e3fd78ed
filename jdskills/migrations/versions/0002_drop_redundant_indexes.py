"""drop indexes that a unique constraint already covers

jd_skill (jd_id) is the leading column of uq_jd_skill (jd_id, normalized), and
jd_dimension_link (jd_skill_id) of uq_jd_dimension_link (jd_skill_id, dimension_id): each
write paid for an index no query needs (about 1 s of Postgres CPU per 5,000 JDs).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 07:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_jd_skill_jd_id", table_name="jd_skill")
    op.drop_index("ix_jd_dimension_link_jd_skill_id", table_name="jd_dimension_link")


def downgrade() -> None:
    op.create_index("ix_jd_dimension_link_jd_skill_id", "jd_dimension_link", ["jd_skill_id"])
    op.create_index("ix_jd_skill_jd_id", "jd_skill", ["jd_id"])
