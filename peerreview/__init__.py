"""peerreview: peer reviews and mentoring on local integration policy for city networks."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask

from peerreview import config as default_config
from peerreview.database import (
    DatabaseURLError,
    configure_sqlite,
    default_sqlite_url,
    normalise_database_url,
)
from peerreview.sessions_cookie import SessionInterface

PROJECT_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["create_app", "ConfigurationError"]


class ConfigurationError(RuntimeError):
    """The site's configuration would make the application unsafe or unable to run."""


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = ((test_config or {}).get("INSTANCE_PATH")
                     or os.environ.get("PEERREVIEW_INSTANCE_PATH")
                     or str(PROJECT_ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    _load_config(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from peerreview import extensions as ext

    configure_sqlite(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(PROJECT_ROOT / "migrations"))
    ext.login_manager.init_app(app)
    app.session_interface = SessionInterface()
    ext.csrf.init_app(app)
    from peerreview.forms_common import use_plain_select

    use_plain_select()
    ext.limiter.init_app(app)

    from peerreview import i18n

    i18n.init_app(app)

    from peerreview import models  # noqa: F401  (registers every model with the metadata)
    from peerreview.web import register_web

    register_web(app)

    from peerreview.cli import register_cli

    register_cli(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return app


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(default_config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        # PEERREVIEW_SECRET_KEY, PEERREVIEW_ENVIRONMENT, PEERREVIEW_MAIL_SERVER, ...
        app.config.from_prefixed_env("PEERREVIEW")
        if os.environ.get("RATELIMIT_STORAGE_URI"):
            app.config["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
        if os.environ.get("REDIS_URL"):
            app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    else:
        app.config.update(test_config)

    database_url = os.environ.get("DATABASE_URL") if test_config is None else None
    try:
        if database_url:
            app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(database_url)
        elif app.config.get("SQLALCHEMY_DATABASE_URI"):
            app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
                app.config["SQLALCHEMY_DATABASE_URI"]
            )
        else:
            app.config["SQLALCHEMY_DATABASE_URI"] = default_sqlite_url(app.instance_path)
    except DatabaseURLError as exc:
        raise ConfigurationError(str(exc)) from None

    env = app.config["ENVIRONMENT"]
    if env not in ("production", "development", "testing"):
        raise ConfigurationError(
            f"ENVIRONMENT must be production, development or testing, not {env!r}."
        )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"timeout": app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000},
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        }
    else:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        }
    if env == "production":
        if app.config["SECRET_KEY"] in (default_config.DEFAULT_SECRET_KEY, "change-me", "", None):
            raise ConfigurationError(
                "Refusing to start in production with the default secret key. Set "
                "PEERREVIEW_SECRET_KEY (or SECRET_KEY in instance/config.py) to a long random "
                "string, or set PEERREVIEW_ENVIRONMENT=development on a laptop."
            )
        storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
        if storage.startswith("memory://") and not _truthy(app.config.get("SINGLE_WORKER")):
            raise ConfigurationError(
                "Refusing to start in production with the login rate limit counted in memory: "
                "each worker would count failed logins on its own, so several workers let "
                "several times as many password guesses through. Set RATELIMIT_STORAGE_URI to "
                "a shared store (for example redis://127.0.0.1:6379/0), or, if the application "
                "runs as one single process, set PEERREVIEW_SINGLE_WORKER=1."
            )
        app.config.setdefault("SESSION_COOKIE_SECURE", True)
        app.config.setdefault("REMEMBER_COOKIE_SECURE", True)
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    _check_site_url(app, env)
    if env == "testing":
        app.config["TESTING"] = True
        # tests run the jobs themselves (peerreview.jobs.worker.run_pending)
        app.config["JOBS_EMBEDDED_WORKER"] = (test_config or {}).get("JOBS_EMBEDDED_WORKER", False)


LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]


def _check_site_url(app: Flask, env: str) -> None:
    """SITE_URL is the only base of links in e-mails; requests naming another host are refused
    (Flask's TRUSTED_HOSTS) unless TRUSTED_HOSTS lists it."""
    from urllib.parse import urlsplit

    from peerreview.urls import site_hosts

    site = str(app.config.get("SITE_URL") or "")
    parts = urlsplit(site)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"SITE_URL must be the address people use to reach the site, such as "
            f"https://reviews.example.org, not {site!r}.")
    trusted = app.config.get("TRUSTED_HOSTS")
    if isinstance(trusted, str):  # PEERREVIEW_TRUSTED_HOSTS="a.example, b.example"
        trusted = [h for h in trusted.replace(",", " ").split() if h]
    if not trusted:
        trusted = site_hosts(site)
        if env in ("development", "testing"):
            trusted += [h for h in LOCAL_HOSTS if h not in trusted]
    app.config["TRUSTED_HOSTS"] = list(trusted)
