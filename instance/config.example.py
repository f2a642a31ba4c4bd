# Copy to instance/config.py and adjust. Environment variables override these values.

# A long random string; generate one with:  python -c "import secrets; print(secrets.token_hex(32))"
SECRET_KEY = "change-me"

# "production" (default) sends cookies only over HTTPS and refuses the default secret key.
# "development" is for a laptop served over plain http://127.0.0.1.
ENVIRONMENT = "production"

# PostgreSQL instead of the embedded SQLite file:
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://user:password@localhost/peerreview"

# Outgoing mail; without MAIL_SERVER, messages are written to instance/outbox/ as .eml files.
# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = ""
# MAIL_PASSWORD = ""
# MAIL_DEFAULT_SENDER = "peer-reviews@example.org"

# The public address: every link in every e-mail is built on it. Requests for other host
# names are refused unless listed in TRUSTED_HOSTS (default: SITE_URL's host).
# SITE_URL = "https://reviews.example.org"
# TRUSTED_HOSTS = ["reviews.example.org"]

# Shared storage for the login rate limiter. Production refuses the default (memory://,
# counted per worker) unless SINGLE_WORKER = True says the application runs as one process.
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
# SINGLE_WORKER = False
