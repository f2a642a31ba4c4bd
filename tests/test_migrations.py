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
