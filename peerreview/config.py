"""Configuration defaults.

Values here are overridden, in this order, by ``instance/config.py`` and by environment
variables (``PEERREVIEW_*`` and ``DATABASE_URL``). Secrets never live in this file.
"""

from __future__ import annotations

DEFAULT_SECRET_KEY = "dev-not-secret"

SECRET_KEY = DEFAULT_SECRET_KEY

# "production", "development" or "testing". Production refuses the default secret key and
# sends the session cookie only over HTTPS.
ENVIRONMENT = "production"

# Filled in by create_app(): the embedded SQLite file in the instance folder unless
# DATABASE_URL names another database.
SQLALCHEMY_DATABASE_URI: str | None = None
SQLALCHEMY_ENGINE_OPTIONS: dict = {}
SQLALCHEMY_TRACK_MODIFICATIONS = False
SQLITE_BUSY_TIMEOUT_MS = 30_000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 14
PERMANENT_SESSION_LIFETIME = 60 * 60 * 12

WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
MAX_CONTENT_LENGTH = 21 * 1024 * 1024  # one 20 MB upload plus the form around it

# Where failed logins are counted. memory:// counts in each process alone, so production
# refuses it unless SINGLE_WORKER says the application runs as one process (gunicorn
# --workers 1); with several workers use redis://host:6379/0.
RATELIMIT_STORAGE_URI = "memory://"

# PDFs are made by background jobs. With REDIS_URL (or PEERREVIEW_REDIS_URL) they go through RQ
# and `flask --app peerreview jobs worker` runs them; without it, each web process runs a
# worker thread that polls the job table (JOBS_EMBEDDED_WORKER; off in tests).
REDIS_URL: str | None = None
JOBS_QUEUE = "peerreview-pdf"
JOBS_EMBEDDED_WORKER = True
JOBS_POLL_SECONDS = 2
REPORT_RENDER_TIME_LIMIT = 60
SINGLE_WORKER = False
RATELIMIT_HEADERS_ENABLED = False
LOGIN_RATE_LIMIT = "5 per minute"

MAIL_SERVER: str | None = None
MAIL_PORT = 587
MAIL_USE_TLS = True
MAIL_USERNAME: str | None = None
MAIL_PASSWORD: str | None = None
MAIL_DEFAULT_SENDER = "peerreview@localhost"
MAIL_TIMEOUT = 30  # seconds to wait for the mail server

# The address people use to reach the site, for links in e-mails sent from the command line.
SITE_URL = "http://127.0.0.1:5000"
SITE_NAME = "peerreview"
NETWORK_NAME = "City network on migration and integration"
# Interviewees' e-mail addresses and phone numbers are erased this many months after the
# report is issued (flask retention apply); names too, unless the person agreed to be named.
INTERVIEWEE_RETENTION_MONTHS = 6

INVITATION_MAX_AGE_DAYS = 7
PASSWORD_RESET_MAX_AGE_HOURS = 24
