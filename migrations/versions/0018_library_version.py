"""library version: a second data-version counter, moved by every write to the library's items

The library's comparisons (each theme's heatmap of team ratings across the cities) read only
``library_item``; they are remembered between requests for as long as this counter has not
moved. The same triggers as migration 0017's: on PostgreSQL a deferred constraint trigger per
row (the counter moves at commit) and one for TRUNCATE, on SQLite row triggers.

Revision ID: 0018
Revises: 0017
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TABLE = "library_item"


def upgrade():
    op.execute(sa.text("INSERT INTO data_version (name, epoch, version) VALUES ('library', :epoch, 0)")
               .bindparams(epoch=secrets.token_hex(16)))
    if op.get_bind().dialect.name == "postgresql":
        # data_version_bump(name) was made by migration 0017
        op.execute(f"CREATE CONSTRAINT TRIGGER data_version_library AFTER INSERT OR UPDATE OR DELETE "
                   f"ON {TABLE} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                   f"EXECUTE FUNCTION data_version_bump('library')")
        op.execute(f"CREATE TRIGGER data_version_library_truncate AFTER TRUNCATE ON {TABLE} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump('library')")
    else:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER data_version_library_{event.lower()} AFTER {event} "
                       f"ON {TABLE} BEGIN UPDATE data_version SET version = version + 1 "
                       f"WHERE name = 'library'; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS data_version_library ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS data_version_library_truncate ON {TABLE}")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS data_version_library_{event}")
    op.execute("DELETE FROM data_version WHERE name = 'library'")
