"""the daily counts' responded threads by first-response time (metrics/histogram.py); each department's first-response hours in order

Revision ID: e1c4b7a2d9f6
Revises: f4a7c2d9e1b3
Create Date: 2026-11-29 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e1c4b7a2d9f6'
down_revision = 'f4a7c2d9e1b3'
branch_labels = None
depends_on = None

_BUCKETS = tuple(f"response_{i:02d}" for i in range(23))
_WHERE = {"sqlite_where": sa.text("counted_first_response_at IS NOT NULL"),
          "postgresql_where": sa.text("counted_first_response_at IS NOT NULL")}


def upgrade():
    with op.batch_alter_table('thread_days', schema=None) as batch_op:
        for name in _BUCKETS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_responded', **_WHERE)
        batch_op.create_index('ix_threads_responded',
                              ['department_id', 'counted_response_hours', 'opened_at', 'state', 'channel',
                               'counted_first_response_at'], unique=False, **_WHERE)
    # Every thread's facts and every day's counts, by the definitions the application keeps them
    # with (safe to re-run; the threads' facts are filled here for a database coming from before
    # d8f1b2c3a4e5 too).
    from weibo_app.metrics.upkeep import refresh

    refresh(connection=op.get_bind())


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_responded', **_WHERE)
        batch_op.create_index('ix_threads_responded',
                              ['department_id', 'opened_at', 'state', 'channel', 'counted_first_response_at',
                               'counted_response_hours'], unique=False, **_WHERE)
    with op.batch_alter_table('thread_days', schema=None) as batch_op:
        for name in reversed(_BUCKETS):
            batch_op.drop_column(name)
