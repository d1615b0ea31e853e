"""view batches applied and API idempotency keys

Revision ID: a7c3e1f09b42
Revises: e65ea7d2cfd2
Create Date: 2026-11-29 02:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import weibo_app.models.types


# revision identifiers, used by Alembic.
revision = 'a7c3e1f09b42'
down_revision = '5b1c0e7a9d42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('view_batches',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('applied_at', weibo_app.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_view_batches'))
    )
    with op.batch_alter_table('view_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_view_batches_applied_at'), ['applied_at'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('created_at', weibo_app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idempotency_keys_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'key', name='uq_idempotency_keys_user_key')
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_created_at'))
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('view_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_view_batches_applied_at'))
    op.drop_table('view_batches')
