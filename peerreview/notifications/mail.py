"""The mail transport: SMTP when MAIL_SERVER is set, otherwise .eml files in instance/outbox/.

Nothing here decides *whether* a message goes out; that is the outbox's job
(``peerreview.notifications.outbox``). ``Transport`` sends messages one after the other
over one SMTP connection, opened on the first message.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from peerreview.text import strip_bidi_controls

log = logging.getLogger(__name__)


class ServerUnreachable(Exception):
    """The mail server could not be reached or refused the connection or the login: no
    message can go out now."""


def outbox_dir() -> Path:
    path = Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def message_domain() -> str:
    """The right-hand side of our Message-IDs: the site's host name."""
    return urlsplit(current_app.config["SITE_URL"]).hostname or "peerreview.local"


def new_message_id() -> str:
    return make_msgid(domain=message_domain())


def build_message(to: str, subject: str, text: str, html: str | None = None, *,
                  message_id: str | None = None, attachments: list[dict] | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    # bidirectional controls in a city's or a person's name could disguise the subject
    msg["Subject"] = " ".join(strip_bidi_controls(subject).split())
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id or new_message_id()
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for item in attachments or ():
        maintype, _, rest = item["content_type"].partition("/")
        subtype, *params = [p.strip() for p in rest.split(";")]
        msg.add_attachment(item["content"], subtype=subtype, filename=item["filename"],
                           params=dict(p.split("=", 1) for p in params if "=" in p))
    return msg


class Transport:
    """``with Transport() as t: t.send(msg)``. Raises ServerUnreachable when the server cannot
    be reached (nothing can go out), other exceptions for one message's failure."""

    def __init__(self):
        self.cfg = current_app.config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.cfg
        where = f"{cfg['MAIL_SERVER']}:{cfg['MAIL_PORT']}"
        try:
            smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"],
                                timeout=cfg.get("MAIL_TIMEOUT", 30))
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise ServerUnreachable(f"mail server {where}: {describe(exc)}") from exc
        return smtp

    def send(self, msg: EmailMessage) -> None:
        if not self.cfg.get("MAIL_SERVER"):
            stamp = msg["Date"][5:25].replace(" ", "-").replace(":", "")
            path = outbox_dir() / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(bytes(msg))
            log.info("Mail to %s written to %s: %s", msg["To"], path.name, msg["Subject"])
            return
        if self.smtp is None:
            self.smtp = self._connect()
        try:
            self.smtp.send_message(msg)
        except smtplib.SMTPServerDisconnected:
            self.smtp = None
            raise
        log.info("Mail to %s accepted by the server: %s", msg["To"], msg["Subject"])


def describe(exc: BaseException) -> str:
    """A one-line description of a mail failure for logs, the outbox and the command line."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr} refused: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
                         for addr, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {text}"
    return str(exc) or type(exc).__name__


def is_permanent(exc: BaseException) -> bool:
    """The server refused this message for good (5xx for the recipient or the content):
    trying again will not help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False
