"""the revision of the data the figures are computed from (metrics/marks.py); awaiting threads by due time; each post's public threads

Revision ID: f4a7c2d9e1b3
Revises: d8f1b2c3a4e5
Create Date: 2026-11-29 10:30:00

"""
from alembic import op
import sqlalchemy as sa

import weibo_app.models.types


revision = 'f4a7c2d9e1b3'
down_revision = 'd8f1b2c3a4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'figure_marks',
        sa.Column('shard', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('revision', sa.BigInteger(), nullable=False),
        sa.Column('written_at', weibo_app.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('shard'),
    )
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_index('ix_threads_due', ['state', 'due_at', 'id', 'department_id', 'post_id'], unique=False)
        batch_op.create_index('ix_threads_post_public', ['post_id'], unique=False,
                              sqlite_where=sa.text('held_at IS NULL AND hidden_at IS NULL AND private IS 0'),
                              postgresql_where=sa.text('held_at IS NULL AND hidden_at IS NULL AND private IS false'))


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_post_public')
        batch_op.drop_index('ix_threads_due')
    op.drop_table('figure_marks')
