"""The migrations build exactly the models' schema, and can be undone, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from peerreview import create_app
from tests.conftest import make_test_config


def test_upgrade_from_empty_matches_models_and_downgrade_works(database_url_factory, tmp_path):
    from peerreview.extensions import db
    from peerreview.models import include_name

    app = create_app(make_test_config(database_url_factory("migrations"), tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "include_name": include_name})
            diff = compare_metadata(ctx, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        tables = set(inspect(db.engine).get_table_names())
        assert {"city", "user_account", "audit_entry"} <= tables

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"city", "user_account"} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_single_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from peerreview import PROJECT_ROOT

    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, f"migrations have several heads, merge them: {heads}"


def test_items_indexed_before_the_facets_get_them_and_are_found_with_filters(database_url_factory, tmp_path):
    """Migration 0019 fills the facet column of the items already there (and, on SQLite, makes
    the full-text index again over it), so a search with words and a filter finds them."""
    from datetime import date

    from peerreview.cities.models import City
    from peerreview.extensions import db
    from peerreview.framework import io
    from peerreview.framework.models import Benchmark
    from peerreview.library.models import LibraryItem
    from peerreview.library.search import Query, search
    from tests.library_helpers import issued_report

    app = create_app(make_test_config(database_url_factory("facets"), tmp_path))
    with app.app_context():
        upgrade()
        io.import_framework(io.load_default())
        bench = db.session.scalars(db.select(Benchmark)).first()
        city = City(name="Utrecht", country="NL", timezone="Europe/Amsterdam", description="")
        db.session.add(city)
        review = issued_report(db.session, host=city, benchmark=bench, issued_on=date(2024, 5, 2), level="public",
                               recs=[(0, "Open a walk-in desk for newcomers.", "accepted", "done", None)])
        theme_id, city_id, review_id = bench.theme_id, city.id, review.id
        db.session.commit()
        db.session.close()
        downgrade(revision="0018")
        upgrade()
        facets = db.session.scalar(db.select(LibraryItem.search_facets).where(LibraryItem.review_id == review_id,
                                                                              LibraryItem.code == "R1"))
        assert facets                                      # filled by the migration, not left empty
        for query in (Query(text="walk-in", theme_id=theme_id), Query(text="desk", city_id=city_id),
                      Query(text="newcomers", year=2024, country="NL")):
            assert [h.item.code for h in search(None, query, public=True).hits] == ["R1"], query
        assert search(None, Query(text="desk", year=2023), public=True).total == 0
        db.session.remove()
        db.engine.dispose()
