"""library facets and newest-first index: the filters as words of the full-text index, and the
library without words read in issue order from an index

- ``library_item.search_facets``: what the library's filters select on (kind, theme, city,
  country, year, key-factor code, Charter roles), one word each, filled for the items there.
- On SQLite the FTS5 table ``library_search`` is made again over ``search_text`` and
  ``search_facets``, with its triggers, and rebuilt from ``library_item``: a search with words
  and filters matches the filters' words too, so that only the items that pass them are ranked.
  PostgreSQL's index is unchanged (its planner combines the text index with the filters').
- ``ix_library_item_newest`` (issued_on, review_id): the first page of the library without
  words, newest reports first, without sorting every item.

Revision ID: 0019
Revises: 0018
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_LETTERS = {"kind": "k", "theme": "t", "city": "c", "country": "n", "year": "y", "kf": "f", "role": "r"}
_FTS = ("CREATE VIRTUAL TABLE library_search USING fts5({columns}, content='library_item', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")


def _facet(name, value) -> str:
    # a copy of peerreview.library.models.facet as it was when this migration was written
    return _LETTERS[name] + str(value).encode("utf-8").hex()


def _facets(row) -> str:
    words = [_facet("kind", row.kind), _facet("theme", row.theme_id), _facet("city", row.city_id),
             _facet("country", row.country), _facet("year", row.year)]
    if row.kf_code:
        words.append(_facet("kf", row.kf_code))
    words += [_facet("role", r) for r in (row.charter_roles or "").split("|") if r]
    return " ".join(words)


def _drop_sqlite_index() -> None:
    for trigger in ("library_item_ai", "library_item_ad", "library_item_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS library_search")


def _sqlite_index(columns: list[str]) -> None:
    """Make the FTS5 table over ``columns`` of library_item, its triggers, and its content."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(_FTS.format(columns=names))
    op.execute("INSERT INTO library_search(library_search) VALUES ('rebuild')")
    op.execute(f"CREATE TRIGGER library_item_ai AFTER INSERT ON library_item BEGIN "
               f"INSERT INTO library_search(rowid, {names}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER library_item_ad AFTER DELETE ON library_item BEGIN "
               f"INSERT INTO library_search(library_search, rowid, {names}) "
               f"VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER library_item_au AFTER UPDATE OF {names} ON library_item BEGIN "
               f"INSERT INTO library_search(library_search, rowid, {names}) "
               f"VALUES ('delete', old.id, {old}); "
               f"INSERT INTO library_search(rowid, {names}) VALUES (new.id, {new}); END")


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("library_item", sa.Column("search_facets", sa.Text(), nullable=False, server_default=""))
    # before the rows are written: on PostgreSQL their data-version trigger events stay pending
    # until commit, and no index can be made on a table with pending events
    op.create_index("ix_library_item_newest", "library_item", ["issued_on", "review_id"])
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, kind, theme_id, city_id, country, year, kf_code, charter_roles "
                                "FROM library_item")).all()
    update = sa.text("UPDATE library_item SET search_facets = :facets WHERE id = :id")
    for start in range(0, len(rows), 5000):
        bind.execute(update, [{"id": r.id, "facets": _facets(r)} for r in rows[start:start + 5000]])
    if sqlite:
        _drop_sqlite_index()
        _sqlite_index(["search_text", "search_facets"])


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_library_item_newest", table_name="library_item")
    if sqlite:  # its triggers name the column
        _drop_sqlite_index()
    # not a batch operation: on SQLite that would copy the table and lose its other triggers
    op.execute("ALTER TABLE library_item DROP COLUMN search_facets")
    if sqlite:
        _sqlite_index(["search_text"])
