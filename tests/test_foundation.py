"""The skeleton: configuration, database settings, health check, error pages, the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from peerreview import ConfigurationError, create_app
from peerreview.auth.models import User
from peerreview.database import normalise_database_url


def test_home_page_shows_product_name_and_login_link(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "peerreview" in html
    assert 'href="/login"' in html


def test_healthz_runs_a_real_query(client):
    res = client.get("/healthz")
    assert res.status_code == 200
    assert res.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(tmp_path):
    app = create_app({"ENVIRONMENT": "testing", "SECRET_KEY": "x" * 32,
                      "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none"})
    res = app.test_client().get("/healthz")
    assert res.status_code == 503
    assert res.get_json()["database"] == "unreachable"


@pytest.mark.parametrize("path, code", [("/no-such-page", 404), ("/people", 302)])
def test_error_pages_keep_the_layout(client, path, code):
    res = client.get(path)
    assert res.status_code == code
    if code == 404:
        html = res.get_data(as_text=True)
        assert "Not found" in html and 'class="site-header"' in html and 'class="site-footer"' in html


def test_500_page_keeps_layout_and_changes_nothing(app, make_city, tmp_path):
    from peerreview.cities.models import City
    from peerreview.extensions import db
    from tests.conftest import make_test_config

    city = make_city("Rollbackville")
    city_id = city.id
    other = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))

    @other.get("/_boom_for_test")
    def boom():
        db.session.get(City, city_id).name = "Changed"
        raise RuntimeError("boom")

    res = other.test_client().get("/_boom_for_test")
    assert res.status_code == 500
    html = res.get_data(as_text=True)
    assert "Something went wrong" in html and 'class="site-footer"' in html
    db.session.expire_all()
    assert db.session.get(City, city_id).name == "Rollbackville"
    with other.app_context():
        db.engine.dispose()


def test_production_refuses_default_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("PEERREVIEW_SECRET_KEY", raising=False)
    monkeypatch.setenv("PEERREVIEW_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PEERREVIEW_ENVIRONMENT", "production")
    with pytest.raises(ConfigurationError, match="default secret key"):
        create_app()


def test_environment_variables_override_config(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERREVIEW_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PEERREVIEW_SECRET_KEY", "a-real-secret-from-the-environment")
    monkeypatch.setenv("PEERREVIEW_ENVIRONMENT", "production")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal/pr")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-real-secret-from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal/pr"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_a_login_limit_counted_per_worker(tmp_path, monkeypatch):
    """With memory:// each gunicorn worker counts failed logins alone (4 workers, 4 times the
    guesses); production starts only with a shared store or when told it runs one worker."""
    monkeypatch.setenv("PEERREVIEW_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PEERREVIEW_SECRET_KEY", "a-real-secret-from-the-environment")
    monkeypatch.setenv("PEERREVIEW_ENVIRONMENT", "production")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("PEERREVIEW_SINGLE_WORKER", raising=False)
    with pytest.raises(ConfigurationError, match="RATELIMIT_STORAGE_URI.*PEERREVIEW_SINGLE_WORKER=1"):
        create_app()
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(ConfigurationError, match="counted in memory"):
        create_app()
    monkeypatch.setenv("PEERREVIEW_SINGLE_WORKER", "1")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.delenv("PEERREVIEW_SINGLE_WORKER")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_development_may_count_logins_in_memory(tmp_path):
    app = create_app({"ENVIRONMENT": "development", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_instance_config_file_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERREVIEW_INSTANCE_PATH", str(tmp_path))
    for var in ("PEERREVIEW_SECRET_KEY", "PEERREVIEW_ENVIRONMENT", "DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "config.py").write_text('SECRET_KEY = "from-the-instance-file-123"\n'
                                        'ENVIRONMENT = "development"\n')
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-instance-file-123"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/peerreview.sqlite"
    assert not app.config.get("SESSION_COOKIE_SECURE")


def test_unknown_database_scheme_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERREVIEW_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PEERREVIEW_SECRET_KEY", "a-real-secret-from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/pr")
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        create_app()


@pytest.mark.parametrize("url, expected", [
    ("postgresql://a@b/c", "postgresql+psycopg://a@b/c"),
    ("postgres://a@b/c", "postgresql+psycopg://a@b/c"),
    ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
])
def test_database_urls_are_normalised(url, expected):
    assert normalise_database_url(url) == expected


def test_database_connection_settings(app, db_kind):
    from peerreview.extensions import db

    with app.app_context():
        if db_kind == "postgresql":
            assert db.engine.dialect.name == "postgresql"
            assert db.engine.dialect.driver == "psycopg"
            return
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert db.session.execute(text("PRAGMA mmap_size")).scalar() == 256 * 1024 * 1024  # reads mapped


def test_foreign_keys_are_enforced(app, db_session):
    from sqlalchemy.exc import IntegrityError

    db_session.add(User(email="x@example.org", name="X", city_id=999_999, languages=[]))
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_concurrent_writers_wait_instead_of_failing(app, db_kind):
    """Two threads incrementing through IMMEDIATE transactions never see "database is locked"."""
    import threading

    from peerreview.cities.models import City
    from peerreview.extensions import db

    with app.app_context():
        db.session.add(City(name="Counter", country="BE", timezone="Europe/Brussels",
                            description="0"))
        db.session.commit()
        city_id = db.session.scalar(select(City.id).where(City.name == "Counter"))
    errors: list[Exception] = []

    def worker():
        with app.app_context():
            for _ in range(25):
                try:
                    city = db.session.get(City, city_id, with_for_update=True)
                    city.description = str(int(city.description) + 1)
                    db.session.commit()
                except Exception as exc:  # noqa: BLE001
                    errors.append(exc)
                    db.session.rollback()
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(City, city_id).description == "100"
