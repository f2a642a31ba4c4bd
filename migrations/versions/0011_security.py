"""security: login sessions the server can end, the mail outbox, CHECK constraints from the
code's own vocabularies, case-insensitively unique city names

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

# The CHECK constraints are made from the vocabularies the code uses (the same tuples as the
# models), so that a value added to one of them is allowed here too.
from peerreview.constraints import one_of_sql, rating_sql
from peerreview.observations.models import KINDS as OBSERVATION_KINDS
from peerreview.reports.models import PRIORITIES, REPORT_STATES
from peerreview.reviews.models import SEAT_STATUSES, STATES as REVIEW_STATES, TEAM_ROLES

CHECKS = [
    # (table, constraint name, condition)
    ('review', 'ck_review_state', one_of_sql('state', REVIEW_STATES)),
    ('review', 'ck_review_visit_dates', 'visit_end >= visit_start'),
    ('team_member', 'ck_team_member_role', one_of_sql('role', TEAM_ROLES)),
    ('team_member', 'ck_team_member_status', one_of_sql('status', SEAT_STATUSES)),
    ('self_assessment_entry', 'ck_self_assessment_entry_rating', rating_sql()),
    ('observation', 'ck_observation_kind', one_of_sql('kind', OBSERVATION_KINDS)),
    ('peer_rating', 'ck_peer_rating_rating', rating_sql(nullable=False)),
    ('report', 'ck_report_state', one_of_sql('state', REPORT_STATES)),
    ('report_finding', 'ck_report_finding_rating', rating_sql()),
    ('report_recommendation', 'ck_report_recommendation_priority', one_of_sql('priority', PRIORITIES)),
]


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_login_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_login_session_secret_hash'))
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('given_up_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_mail_outbox_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    sa.UniqueConstraint('message_id', name=op.f('uq_mail_outbox_message_id'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_outbox_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_outbox_sent_at'), ['sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_outbox_user_id'), ['user_id'], unique=False)

    # SQLite changes constraints by copying the table (batch mode); PostgreSQL alters it.
    for table in dict.fromkeys(t for t, _, _ in CHECKS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for t, name, condition in CHECKS:
                if t == table:
                    batch_op.create_check_constraint(op.f(name), condition)
    op.create_index('uq_city_lower_name_country', 'city', [sa.text('lower(name)'), 'country'],
                    unique=True)


def downgrade():
    op.drop_index('uq_city_lower_name_country', table_name='city')
    for table in dict.fromkeys(t for t, _, _ in CHECKS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for t, name, _ in CHECKS:
                if t == table:
                    batch_op.drop_constraint(op.f(name), type_='check')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_user_id'))
        batch_op.drop_index(batch_op.f('ix_mail_outbox_sent_at'))
        batch_op.drop_index(batch_op.f('ix_mail_outbox_next_attempt_at'))
    op.drop_table('mail_outbox')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))
    op.drop_table('login_session')
