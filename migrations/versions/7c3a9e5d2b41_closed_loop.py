"""closed loop: sign-for and handler, interim/final replies, extensions, transfers, rework, urging, visits

Revision ID: 7c3a9e5d2b41
Revises: e65ea7d2cfd2
Create Date: 2026-11-29 02:30:00

"""
from alembic import op
import sqlalchemy as sa

import weibo_app.models.types


revision = '7c3a9e5d2b41'
down_revision = 'a3c91f7d2e10'
branch_labels = None
depends_on = None


def _when():
    return weibo_app.models.types.UTCDateTime()


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
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('accepted_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('handler_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_threads_handler_id_users'), 'users', ['handler_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_threads_handler_id'), ['handler_id'], unique=False)

    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('visible_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('reworked_at', _when(), nullable=True))
    # Replies written before: public from their writing unless still held.
    op.execute("UPDATE replies SET visible_at = created_at WHERE held_at IS NULL")
    op.execute("UPDATE replies SET final = false WHERE official = false")

    op.create_table('thread_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', _when(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_thread_notes_author_id_users')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_notes_thread_id_threads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_notes'))
    )
    with op.batch_alter_table('thread_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_notes_thread_id'), ['thread_id'], unique=False)

    op.create_table('thread_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('new_due_at', _when(), nullable=False),
    sa.Column('previous_due_at', _when(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', _when(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', _when(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_thread_extensions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_thread_extensions_department_id_departments')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_thread_extensions_requested_by_id_users')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_extensions_thread_id_threads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_extensions'))
    )
    with op.batch_alter_table('thread_extensions', schema=None) as batch_op:
        batch_op.create_index('ix_thread_extensions_thread_state', ['thread_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_extensions_department_id'), ['department_id'], unique=False)

    op.create_table('thread_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('from_department_id', sa.Integer(), nullable=False),
    sa.Column('proposed_department_id', sa.Integer(), nullable=False),
    sa.Column('to_department_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', _when(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', _when(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_thread_transfers_decided_by_id_users')),
    sa.ForeignKeyConstraint(['from_department_id'], ['departments.id'], name=op.f('fk_thread_transfers_from_department_id_departments')),
    sa.ForeignKeyConstraint(['proposed_department_id'], ['departments.id'], name=op.f('fk_thread_transfers_proposed_department_id_departments')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_thread_transfers_requested_by_id_users')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_transfers_thread_id_threads')),
    sa.ForeignKeyConstraint(['to_department_id'], ['departments.id'], name=op.f('fk_thread_transfers_to_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_transfers'))
    )
    with op.batch_alter_table('thread_transfers', schema=None) as batch_op:
        batch_op.create_index('ix_thread_transfers_thread_state', ['thread_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_transfers_from_department_id'), ['from_department_id'], unique=False)

    op.create_table('thread_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('rating', sa.String(length=20), nullable=True),
    sa.Column('resolved', sa.Boolean(), nullable=True),
    sa.Column('created_at', _when(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_thread_events_actor_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_thread_events_department_id_departments')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_events_thread_id_threads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_events'))
    )
    with op.batch_alter_table('thread_events', schema=None) as batch_op:
        batch_op.create_index('ix_thread_events_thread_kind', ['thread_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_events_department_id'), ['department_id'], unique=False)
    _restore_search_triggers()


def downgrade():
    for table, indexes in (
        ('thread_events', ('ix_thread_events_department_id', 'ix_thread_events_thread_kind')),
        ('thread_transfers', ('ix_thread_transfers_from_department_id', 'ix_thread_transfers_thread_state')),
        ('thread_extensions', ('ix_thread_extensions_department_id', 'ix_thread_extensions_thread_state')),
        ('thread_notes', ('ix_thread_notes_thread_id',)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in indexes:
                batch_op.drop_index(name)
        op.drop_table(table)
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_column('reworked_at')
        batch_op.drop_column('visible_at')
        batch_op.drop_column('final')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_threads_handler_id'))
        batch_op.drop_constraint(batch_op.f('fk_threads_handler_id_users'), type_='foreignkey')
        batch_op.drop_column('handler_id')
        batch_op.drop_column('accepted_at')
        batch_op.drop_column('resolved')
    _restore_search_triggers()
