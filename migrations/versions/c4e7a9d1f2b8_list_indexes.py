"""indexes the public lists and the inbox walk in order

Revision ID: c4e7a9d1f2b8
Revises: b8d4f2a6c913
Create Date: 2026-11-29 05:30:00

The public post lists (timeline, API, department pages) walk a partial index
of the listed posts newest first instead of sorting every post; the pinned
posts are found by their own small index; the inbox orders a department's
awaiting threads by (due_at, id) straight from its index on both databases.
No table is rebuilt, so SQLite's search triggers are untouched.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e7a9d1f2b8'
down_revision = 'b8d4f2a6c913'
branch_labels = None
depends_on = None

LISTED = sa.text("state IN ('published', 'scheduled', 'withdrawn')")
PINNED = sa.text("timeline_pinned_until IS NOT NULL")


def upgrade():
    op.create_index('ix_posts_listed', 'posts', ['published_at', 'id'], unique=False,
                    sqlite_where=LISTED, postgresql_where=LISTED)
    op.create_index('ix_posts_department_listed', 'posts', ['department_id', 'published_at', 'id'], unique=False,
                    sqlite_where=LISTED, postgresql_where=LISTED)
    op.create_index('ix_posts_timeline_pinned', 'posts', ['timeline_pinned_until'], unique=False,
                    sqlite_where=PINNED, postgresql_where=PINNED)
    op.drop_index('ix_threads_inbox', table_name='threads')
    op.create_index('ix_threads_inbox', 'threads', ['department_id', 'state', 'due_at', 'id'], unique=False)
    # Fresh statistics, so the planners weigh the new indexes against the old ones at once.
    op.execute("ANALYZE posts")
    op.execute("ANALYZE threads")


def downgrade():
    op.drop_index('ix_threads_inbox', table_name='threads')
    op.create_index('ix_threads_inbox', 'threads', ['department_id', 'state', 'due_at'], unique=False)
    op.drop_index('ix_posts_timeline_pinned', table_name='posts')
    op.drop_index('ix_posts_department_listed', table_name='posts')
    op.drop_index('ix_posts_listed', table_name='posts')
