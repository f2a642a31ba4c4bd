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

# Shared storage for the login rate limiter when running several workers:
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
