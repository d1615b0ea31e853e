"""session epochs and named API tokens

Sessions and remember cookies carry the account's session epoch; tokens move
from one column pair on users to a table of named tokens. A token issued before
this revision keeps working until it expires (its digest moves over as it is).

Revision ID: 5b1c0e7a9d42
Revises: e65ea7d2cfd2
Create Date: 2026-11-29 02:10:00.000000

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import weibo_app.models.types

# revision identifiers, used by Alembic.
revision = '5b1c0e7a9d42'
down_revision = 'e65ea7d2cfd2'
branch_labels = None
depends_on = None


def _sqlite_foreign_keys_off():
    """SQLite rebuilds ``users`` to drop columns; rows elsewhere point at it, so the checks
    rest during the rebuild (the pragma only acts before the first write of a transaction)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA foreign_keys=OFF")


def upgrade():
    _sqlite_foreign_keys_off()
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', weibo_app.models.types.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', weibo_app.models.types.UTCDateTime(), nullable=True),
    sa.Column('expires_at', weibo_app.models.types.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', weibo_app.models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    users = sa.table('users', sa.column('id', sa.Integer), sa.column('api_token', sa.String),
                     sa.column('api_token_expires_at', weibo_app.models.types.UTCDateTime()))
    tokens = sa.table('api_tokens', sa.column('user_id', sa.Integer), sa.column('name', sa.String),
                      sa.column('token_hash', sa.String),
                      sa.column('created_at', weibo_app.models.types.UTCDateTime()),
                      sa.column('expires_at', weibo_app.models.types.UTCDateTime()))
    conn = op.get_bind()
    now = datetime.now(UTC)
    rows = conn.execute(sa.select(users.c.id, users.c.api_token, users.c.api_token_expires_at).where(
        users.c.api_token.is_not(None), users.c.api_token_expires_at.is_not(None))).all()
    if rows:
        conn.execute(tokens.insert(), [
            {"user_id": uid, "name": "API", "token_hash": digest, "created_at": now, "expires_at": expires}
            for uid, digest, expires in rows
        ])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_users_api_token'), type_='unique')
        batch_op.drop_column('api_token_expires_at')
        batch_op.drop_column('api_token')


def downgrade():
    _sqlite_foreign_keys_off()
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('api_token_expires_at', weibo_app.models.types.UTCDateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_api_token'), ['api_token'])
        batch_op.drop_column('session_epoch')

    # Each account gets back its newest token still in force (the old schema held one).
    conn = op.get_bind()
    tokens = sa.table('api_tokens', sa.column('id', sa.Integer), sa.column('user_id', sa.Integer),
                      sa.column('token_hash', sa.String), sa.column('revoked_at', weibo_app.models.types.UTCDateTime()),
                      sa.column('expires_at', weibo_app.models.types.UTCDateTime()))
    rows = conn.execute(sa.select(tokens.c.user_id, tokens.c.token_hash, tokens.c.expires_at).where(
        tokens.c.revoked_at.is_(None), tokens.c.expires_at > datetime.now(UTC)).order_by(tokens.c.id)).all()
    newest = {user_id: (digest, expires) for user_id, digest, expires in rows}  # later ids win
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('api_token', sa.String),
                     sa.column('api_token_expires_at', weibo_app.models.types.UTCDateTime()))
    for user_id, (digest, expires) in newest.items():
        conn.execute(users.update().where(users.c.id == user_id).values(api_token=digest, api_token_expires_at=expires))

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
