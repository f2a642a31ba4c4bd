"""data versions: a counter that every write to the tables of the review results moves on

Pages that show figures over the whole network (the coordinator's implementation figures)
remember them between requests for as long as this version has not moved. The counter is
moved by the database itself, by triggers on every table the figures read, so no write can
forget it: the ORM's, a bulk statement's, a script's or a migration's. ``epoch`` is chosen
when the row is made, so a database made again from nothing never hands out a version that a
figure of the old one was remembered under.

On PostgreSQL the counter is moved at commit (a deferred constraint trigger per row): two
transactions that write result tables in different orders then never wait for each other's
lock on the counter row while holding another, so they cannot deadlock on it. TRUNCATE moves
it with a statement trigger. On SQLite (one writer at a time) plain row triggers move it.

Revision ID: 0017
Revises: 0016
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# What the implementation figures read (peerreview/reports/figures.py); the same list as
# peerreview/data_version.py's RESULT_TABLES when this migration was written.
RESULT_TABLES = ("review", "report", "report_finding", "report_recommendation", "city", "theme",
                 "benchmark", "key_factor", "mentorship", "mentoring_scheme",
                 "mentoring_progress_review", "mentoring_progress_rating")


def upgrade():
    op.create_table(
        "data_version",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.execute(sa.text("INSERT INTO data_version (name, epoch, version) VALUES ('results', :epoch, 0)")
               .bindparams(epoch=secrets.token_hex(16)))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE data_version SET version = version + 1 WHERE name = TG_ARGV[0];
                RETURN NULL;
            END $$""")
        for table in RESULT_TABLES:
            op.execute(f"CREATE CONSTRAINT TRIGGER data_version_results AFTER INSERT OR UPDATE OR DELETE "
                       f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                       f"EXECUTE FUNCTION data_version_bump('results')")
            op.execute(f"CREATE TRIGGER data_version_results_truncate AFTER TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump('results')")
    else:
        for table in RESULT_TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER data_version_results_{table}_{event.lower()} AFTER {event} "
                           f"ON {table} BEGIN UPDATE data_version SET version = version + 1 "
                           f"WHERE name = 'results'; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in RESULT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS data_version_results ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS data_version_results_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS data_version_bump()")
    else:
        for table in RESULT_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS data_version_results_{table}_{event}")
    op.drop_table("data_version")
