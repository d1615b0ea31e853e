"""private threads (不公开) and the report kind (举报, always private)

Revision ID: a3c91f7d2e10
Revises: e65ea7d2cfd2
Create Date: 2026-11-29 02:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c91f7d2e10'
down_revision = 'd3f2a2e77df4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('private', sa.Boolean(), server_default=sa.false(), nullable=False))
    # The kind is a plain string column: "report" needs no schema change, only its rows are private.
    op.execute(sa.text("UPDATE threads SET private = :yes WHERE kind = 'report'").bindparams(yes=True))


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('private')
