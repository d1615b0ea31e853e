"""requests from other channels; residents' contact and notification preferences

Revision ID: a7c3e1f09b42
Revises: e65ea7d2cfd2
Create Date: 2026-11-29 03:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c3e1f09b42'
down_revision = 'e65ea7d2cfd2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.alter_column('author_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('channel', sa.String(length=20), server_default='web', nullable=False))
        batch_op.add_column(sa.Column('contact_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('external_ref', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_threads_recorded_by_id_users', 'users', ['recorded_by_id'], ['id'])
        batch_op.create_unique_constraint('uq_threads_department_external_ref', ['department_id', 'external_ref'])


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_constraint('uq_threads_department_external_ref', type_='unique')
        batch_op.drop_constraint('fk_threads_recorded_by_id_users', type_='foreignkey')
        batch_op.drop_column('recorded_by_id')
        batch_op.drop_column('external_ref')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_name')
        batch_op.drop_column('channel')
        batch_op.alter_column('author_id', existing_type=sa.Integer(), nullable=False)
