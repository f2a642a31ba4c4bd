"""the people of the visit week: interviewees and their consent, outside seats on the team,
first impressions, participant surveys, attachments to e-mails

Revision ID: 0014
Revises: 0013 (languages)

"""
from alembic import op
import sqlalchemy as sa

from peerreview.constraints import one_of_sql

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ROLES_BEFORE = ('lead', 'rapporteur', 'peer', 'expert')
ROLES_AFTER = ('lead', 'rapporteur', 'peer', 'expert', 'external', 'staff')


def upgrade():
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.drop_constraint(op.f('ck_team_member_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_team_member_role'), one_of_sql('role', ROLES_AFTER))
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=True))

    op.create_table(
        'interviewee',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=200), nullable=False),
        sa.Column('organisation', sa.String(length=200), nullable=False),
        sa.Column('organisation_type', sa.String(length=30), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=50), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('invited_at', sa.DateTime(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('attending', sa.String(length=5), nullable=True),
        sa.Column('quote_consent', sa.String(length=10), nullable=True),
        sa.Column('photo_consent', sa.Boolean(), nullable=True),
        sa.Column('contact_erased_at', sa.DateTime(), nullable=True),
        sa.Column('name_erased_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(one_of_sql('attending', ('yes', 'no'), nullable=True),
                           name=op.f('ck_interviewee_attending')),
        sa.CheckConstraint(one_of_sql('quote_consent', ('named', 'anonymous', 'none'), nullable=True),
                           name=op.f('ck_interviewee_quote_consent')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_interviewee_created_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'],
                                name=op.f('fk_interviewee_review_id_review'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['visit_session.id'],
                                name=op.f('fk_interviewee_session_id_visit_session'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_interviewee')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_interviewee_token_hash')),
    )
    with op.batch_alter_table('interviewee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviewee_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interviewee_session_id'), ['session_id'], unique=False)

    op.create_table(
        'consent_override',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('interviewee_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(one_of_sql('kind', ('name', 'quote')), name=op.f('ck_consent_override_kind')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_consent_override_decided_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['interviewee_id'], ['interviewee.id'],
                                name=op.f('fk_consent_override_interviewee_id_interviewee'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'],
                                name=op.f('fk_consent_override_review_id_review'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_override')),
        sa.UniqueConstraint('review_id', 'interviewee_id', 'kind',
                            name=op.f('uq_consent_override_review_id_interviewee_id_kind')),
    )
    with op.batch_alter_table('consent_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_override_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_override_interviewee_id'), ['interviewee_id'],
                              unique=False)

    op.create_table(
        'first_impressions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('shared_at', sa.DateTime(), nullable=True),
        sa.Column('shared_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'],
                                name=op.f('fk_first_impressions_review_id_review'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['shared_by_id'], ['user_account.id'],
                                name=op.f('fk_first_impressions_shared_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'],
                                name=op.f('fk_first_impressions_updated_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_first_impressions')),
        sa.UniqueConstraint('review_id', name=op.f('uq_first_impressions_review_id')),
    )

    op.create_table(
        'survey_response',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('respondent', sa.String(length=10), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(one_of_sql('kind', ('visit', 'outcome')), name=op.f('ck_survey_response_kind')),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'],
                                name=op.f('fk_survey_response_review_id_review'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_survey_response_user_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
        sa.UniqueConstraint('review_id', 'user_id', 'kind', name=op.f('uq_survey_response_review_id_user_id_kind')),
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('survey_response')
    op.drop_table('first_impressions')
    op.drop_table('consent_override')
    op.drop_table('interviewee')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_column('attachments')
    op.execute(sa.text("UPDATE team_member SET role = 'peer' WHERE role IN ('external', 'staff')"))
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_team_member_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_team_member_role'), one_of_sql('role', ROLES_BEFORE))
        batch_op.drop_column('organisation')
