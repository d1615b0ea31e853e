"""files given with the answer to an information request (答复书附件)

Revision ID: c5e7a9b1d204
Revises: c4e7a9d1f2b8
Create Date: 2026-11-29 05:10:00

"""
from alembic import op
import sqlalchemy as sa

import weibo_app.models.types


revision = 'c5e7a9b1d204'
down_revision = 'c4e7a9d1f2b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('info_request_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', weibo_app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['info_requests.id'], name=op.f('fk_info_request_attachments_request_id_info_requests')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_info_request_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_info_request_attachments')),
    sa.UniqueConstraint('key', name=op.f('uq_info_request_attachments_key'))
    )
    with op.batch_alter_table('info_request_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_info_request_attachments_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('info_request_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_info_request_attachments_request_id'))
    op.drop_table('info_request_attachments')
