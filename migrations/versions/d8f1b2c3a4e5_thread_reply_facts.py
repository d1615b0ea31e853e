"""each thread's reply facts and the daily counts, stored for the figures (metrics/facts.py, metrics/daily.py)

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
_COUNTS = ('threads', 'dismissed', 'responded', 'answered', 'timely', 'good', 'rated', 'solved', 'told',
           'hidden', 'extended', 'reworked', 'urged', 'transfers', 'visited')


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        for name in _MOMENTS:
            batch_op.add_column(sa.Column(name, weibo_app.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('counted_response_hours', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('loop_steps', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('opened_day', sa.Date(), nullable=True))
        batch_op.create_index('ix_threads_counted_at', ['counted_at'], unique=False)
        batch_op.drop_index('ix_threads_post_id')
        batch_op.drop_index('ix_threads_inbox')
        batch_op.create_index('ix_threads_inbox', ['department_id', 'state', 'due_at', 'id', 'post_id', 'opened_at'],
                              unique=False)
        batch_op.create_index('ix_threads_post_state', ['post_id', 'state', 'opened_at', 'counted_first_response_at'],
                              unique=False)
        batch_op.create_index('ix_threads_unanswered',
                              ['department_id', 'opened_at', 'state', 'channel', 'counted_due_at'], unique=False,
                              sqlite_where=sa.text('counted_first_final_at IS NULL'),
                              postgresql_where=sa.text('counted_first_final_at IS NULL'))
        batch_op.create_index('ix_threads_responded',
                              ['department_id', 'opened_at', 'state', 'channel', 'counted_first_response_at',
                               'counted_response_hours'],
                              unique=False, sqlite_where=sa.text('counted_first_response_at IS NOT NULL'),
                              postgresql_where=sa.text('counted_first_response_at IS NOT NULL'))
    op.create_table('thread_days',
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS],
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], ),
    sa.PrimaryKeyConstraint('department_id', 'day', 'channel')
    )
    # The existing threads' facts and days are filled by the last revision that adds to the daily
    # counts (e1c4b7a2d9f6), with the definitions the application keeps them with: those need
    # every column of the table as it is at the head.


def downgrade():
    op.drop_table('thread_days')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_responded', sqlite_where=sa.text('counted_first_response_at IS NOT NULL'),
                            postgresql_where=sa.text('counted_first_response_at IS NOT NULL'))
        batch_op.drop_index('ix_threads_unanswered', sqlite_where=sa.text('counted_first_final_at IS NULL'),
                            postgresql_where=sa.text('counted_first_final_at IS NULL'))
        batch_op.drop_index('ix_threads_counted_at')
        batch_op.drop_index('ix_threads_post_state')
        batch_op.create_index('ix_threads_post_id', ['post_id'], unique=False)
        batch_op.drop_index('ix_threads_inbox')
        batch_op.create_index('ix_threads_inbox', ['department_id', 'state', 'due_at', 'id'], unique=False)
        batch_op.drop_column('opened_day')
        batch_op.drop_column('loop_steps')
        batch_op.drop_column('counted_response_hours')
        for name in reversed(_MOMENTS):
            batch_op.drop_column(name)
