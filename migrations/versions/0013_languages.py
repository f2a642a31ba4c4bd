"""languages: each person's language, the report's language, translations of benchmark texts

Revision ID: 0013
Revises: 0012

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TRANSLATED_TABLES = ('theme', 'benchmark', 'key_factor', 'guide_question', 'context_factor')


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_language', sa.String(length=8),
                                      server_default='en', nullable=False))
    for table in TRANSLATED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET translations = '{{}}'"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('translations', existing_type=sa.JSON(), nullable=False)


def downgrade():
    for table in reversed(TRANSLATED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('translations')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_column('report_language')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('language')
