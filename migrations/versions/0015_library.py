"""the library: how widely each report is published, held-back items, and the searchable copy
of issued findings, recommendations and good practices

- report_publication: one per report, "private" until the host city chooses otherwise
- report_withheld_item: a finding, recommendation or good practice the host holds back
- library_item: the issued text of each item, with what the library filters on
- the full-text index: on SQLite the FTS5 table library_search, kept in step with
  library_item by triggers; on PostgreSQL a GIN index on to_tsvector('simple', search_text)

Revision ID: 0015
Revises: 0014
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from peerreview.constraints import one_of_sql, rating_sql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

LEVELS = ("private", "network", "public")
KINDS = ("finding", "recommendation", "practice")


def upgrade():
    op.create_table(
        "report_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(one_of_sql("level", LEVELS), name=op.f("ck_report_publication_level")),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name=op.f("fk_report_publication_report_id_report"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_publication")),
        sa.UniqueConstraint("report_id", name=op.f("uq_report_publication_report_id")),
    )
    op.create_table(
        "report_withheld_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(one_of_sql("kind", KINDS), name=op.f("ck_report_withheld_item_kind")),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"],
                                name=op.f("fk_report_withheld_item_report_id_report"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_withheld_item")),
        sa.UniqueConstraint("report_id", "kind", "code", name=op.f("uq_report_withheld_item_report_id_kind_code")),
    )
    op.create_index(op.f("ix_report_withheld_item_report_id"), "report_withheld_item", ["report_id"])
    op.create_table(
        "library_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("key_factor_id", sa.Integer(), nullable=True),
        sa.Column("kf_code", sa.String(length=20), nullable=False),
        sa.Column("kf_title", sa.String(length=300), nullable=False),
        sa.Column("kf_position", sa.Integer(), nullable=False),
        sa.Column("charter_roles", sa.String(length=200), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("theme_name", sa.String(length=200), nullable=False),
        sa.Column("benchmark_id", sa.Integer(), nullable=False),
        sa.Column("benchmark_version", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("city_name", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("rating", sa.String(length=4), nullable=True),
        sa.Column("self_rating", sa.String(length=4), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("withheld", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(one_of_sql("kind", KINDS), name=op.f("ck_library_item_kind")),
        sa.CheckConstraint(one_of_sql("level", LEVELS), name=op.f("ck_library_item_level")),
        sa.CheckConstraint(rating_sql("rating"), name=op.f("ck_library_item_rating")),
        sa.CheckConstraint(rating_sql("self_rating"), name=op.f("ck_library_item_self_rating")),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name=op.f("fk_library_item_report_id_report"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], name=op.f("fk_library_item_review_id_review"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recommendation_id"], ["report_recommendation.id"],
                                name=op.f("fk_library_item_recommendation_id_report_recommendation"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["key_factor_id"], ["key_factor.id"],
                                name=op.f("fk_library_item_key_factor_id_key_factor"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_library_item_theme_id_theme"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["benchmark_id"], ["benchmark.id"],
                                name=op.f("fk_library_item_benchmark_id_benchmark"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], name=op.f("fk_library_item_city_id_city"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_item")),
        sa.UniqueConstraint("report_id", "kind", "code", name=op.f("uq_library_item_report_id_kind_code")),
    )
    op.create_index(op.f("ix_library_item_report_id"), "library_item", ["report_id"])
    op.create_index(op.f("ix_library_item_review_id"), "library_item", ["review_id"])
    op.create_index(op.f("ix_library_item_recommendation_id"), "library_item", ["recommendation_id"])
    op.create_index(op.f("ix_library_item_city_id"), "library_item", ["city_id"])
    op.create_index(op.f("ix_library_item_year"), "library_item", ["year"])
    op.create_index("ix_library_item_visible", "library_item", ["level", "withheld"])
    op.create_index("ix_library_item_theme", "library_item", ["theme_id", "kind", "kf_code"])
    op.create_index("ix_library_item_published", "library_item", ["kind", "level", "published_at"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_library_item_fts ON library_item "
                   "USING gin (to_tsvector('simple'::regconfig, search_text))")
    else:
        op.execute("CREATE VIRTUAL TABLE library_search USING fts5(search_text, content='library_item', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER library_item_ai AFTER INSERT ON library_item BEGIN "
                   "INSERT INTO library_search(rowid, search_text) VALUES (new.id, new.search_text); END")
        op.execute("CREATE TRIGGER library_item_ad AFTER DELETE ON library_item BEGIN "
                   "INSERT INTO library_search(library_search, rowid, search_text) "
                   "VALUES ('delete', old.id, old.search_text); END")
        op.execute("CREATE TRIGGER library_item_au AFTER UPDATE OF search_text ON library_item BEGIN "
                   "INSERT INTO library_search(library_search, rowid, search_text) "
                   "VALUES ('delete', old.id, old.search_text); "
                   "INSERT INTO library_search(rowid, search_text) VALUES (new.id, new.search_text); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_library_item_fts")
    else:
        for trigger in ("library_item_ai", "library_item_ad", "library_item_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS library_search")
    op.drop_table("library_item")
    op.drop_index(op.f("ix_report_withheld_item_report_id"), table_name="report_withheld_item")
    op.drop_table("report_withheld_item")
    op.drop_table("report_publication")
