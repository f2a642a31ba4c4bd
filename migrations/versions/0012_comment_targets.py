"""comments on one finding or one recommendation

Revision ID: 0012
Revises: 0011

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finding_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recommendation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_report_comment_finding_id_report_finding'),
                                    'report_finding', ['finding_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_report_comment_recommendation_id_report_recommendation'),
                                    'report_recommendation', ['recommendation_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_report_comment_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_comment_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_check_constraint(batch_op.f('ck_report_comment_one_target'),
                                         'finding_id IS NULL OR recommendation_id IS NULL')


def downgrade():
    with op.batch_alter_table('report_comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_report_comment_one_target'), type_='check')
        batch_op.drop_index(batch_op.f('ix_report_comment_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_report_comment_finding_id'))
        batch_op.drop_constraint(batch_op.f('fk_report_comment_recommendation_id_report_recommendation'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_report_comment_finding_id_report_finding'), type_='foreignkey')
        batch_op.drop_column('recommendation_id')
        batch_op.drop_column('finding_id')
