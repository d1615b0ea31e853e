"""each thread's reply facts, stored for the figures (metrics/facts.py)

Revision ID: d8f1b2c3a4e5
Revises: c5e7a9b1d204
Create Date: 2026-11-29 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import weibo_app.models.types


revision = 'd8f1b2c3a4e5'
down_revision = 'c5e7a9b1d204'
branch_labels = None
depends_on = None

_MOMENTS = ('counted_first_response_at', 'counted_first_final_at', 'counted_due_at',
            'counted_due_at_final', 'counted_at')


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        for name in _MOMENTS:
            batch_op.add_column(sa.Column(name, weibo_app.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('loop_steps', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_threads_counted_at', ['counted_at'], unique=False)
    # The existing threads' facts, by the same definitions the application keeps them with.
    from weibo_app.metrics.facts import refresh_facts

    refresh_facts(op.get_bind())


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_counted_at')
        batch_op.drop_column('loop_steps')
        for name in reversed(_MOMENTS):
            batch_op.drop_column(name)
