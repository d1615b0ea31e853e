"""requests from other channels; residents' contact and notification preferences

Revision ID: b8d4f2a6c913
Revises: 7c3a9e5d2b41
Create Date: 2026-11-29 03:10:00

"""
from alembic import op
import sqlalchemy as sa

import weibo_app.models.types


revision = 'b8d4f2a6c913'
down_revision = '7c3a9e5d2b41'
branch_labels = None
depends_on = None


# Rebuilding ``threads`` and ``replies`` (SQLite's batch mode copies a table into a new
# one) drops the triggers that keep the search index; they are made again, as the first
# migration made them.
SQLITE_SEARCH_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS threads_search_ai AFTER INSERT ON threads BEGIN
  INSERT INTO search_fts(rowid, body) VALUES (new.id * 4 + 2, coalesce(new.body_public, ''));
END""",
    """CREATE TRIGGER IF NOT EXISTS threads_search_au AFTER UPDATE OF body_public ON threads BEGIN
  DELETE FROM search_fts WHERE rowid = old.id * 4 + 2;
  INSERT INTO search_fts(rowid, body) VALUES (new.id * 4 + 2, coalesce(new.body_public, ''));
END""",
    """CREATE TRIGGER IF NOT EXISTS threads_search_ad AFTER DELETE ON threads BEGIN
  DELETE FROM search_fts WHERE rowid = old.id * 4 + 2;
END""",
    """CREATE TRIGGER IF NOT EXISTS replies_search_ai AFTER INSERT ON replies BEGIN
  INSERT INTO search_fts(rowid, body) VALUES (new.id * 4 + 3, coalesce(new.body_public, ''));
END""",
    """CREATE TRIGGER IF NOT EXISTS replies_search_au AFTER UPDATE OF body_public ON replies BEGIN
  DELETE FROM search_fts WHERE rowid = old.id * 4 + 3;
  INSERT INTO search_fts(rowid, body) VALUES (new.id * 4 + 3, coalesce(new.body_public, ''));
END""",
    """CREATE TRIGGER IF NOT EXISTS replies_search_ad AFTER DELETE ON replies BEGIN
  DELETE FROM search_fts WHERE rowid = old.id * 4 + 3;
END""",
]


def _restore_search_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_TRIGGERS:
            op.execute(statement)


def upgrade():
    op.create_table('reply_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', weibo_app.models.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', weibo_app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reply_templates_created_by_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_reply_templates_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_templates'))
    )
    op.create_index(op.f('ix_reply_templates_department_id'), 'reply_templates', ['department_id'], unique=False)
    op.create_table('contact_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('email_verified_at', weibo_app.models.types.UTCDateTime(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('phone_verified_at', weibo_app.models.types.UTCDateTime(), nullable=True),
    sa.Column('notify_email', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('notify_sms', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('pending_phone', sa.String(length=20), nullable=True),
    sa.Column('code_hash', sa.String(length=256), nullable=True),
    sa.Column('code_expires_at', weibo_app.models.types.UTCDateTime(), nullable=True),
    sa.Column('code_attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('code_sent_at', weibo_app.models.types.UTCDateTime(), nullable=True),
    sa.Column('codes_sent_today', sa.Integer(), server_default='0', nullable=False),
    sa.Column('digest', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('digest_sent_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contact_settings_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_contact_settings'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('to', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', weibo_app.models.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', weibo_app.models.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    op.create_index('ix_outbox_state', 'outbox', ['state', 'id'], unique=False)
    op.create_table('sms_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', weibo_app.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_outbox'))
    )
    op.create_index(op.f('ix_sms_outbox_to'), 'sms_outbox', ['to'], unique=False)
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.alter_column('author_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('channel', sa.String(length=20), server_default='web', nullable=False))
        batch_op.add_column(sa.Column('contact_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('external_ref', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_threads_recorded_by_id_users', 'users', ['recorded_by_id'], ['id'])
        batch_op.create_unique_constraint('uq_threads_department_external_ref', ['department_id', 'external_ref'])
    _restore_search_triggers()


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
    op.drop_index(op.f('ix_sms_outbox_to'), table_name='sms_outbox')
    op.drop_table('sms_outbox')
    op.drop_index('ix_outbox_state', table_name='outbox')
    op.drop_table('outbox')
    op.drop_table('contact_settings')
    op.drop_index(op.f('ix_reply_templates_department_id'), table_name='reply_templates')
    op.drop_table('reply_templates')
    _restore_search_triggers()
