"""An issued report PDF is served only if it is the file that was issued."""

from __future__ import annotations

from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from peerreview.reports import issuing
from tests.reports_helpers import complete, rw  # noqa: F401  (fixture)


def _issue(rw):
    complete(rw)
    version = issuing.issue(rw.review, rw.coordinator)
    db.session.commit()
    return version


def test_an_intact_report_is_served(client, login, rw):
    version = _issue(rw)
    login(rw.contact)
    res = client.get(f"{rw.base}/versions/1.pdf")
    assert res.status_code == 200 and res.data.startswith(b"%PDF")
    assert res.headers["ETag"].strip('"') == version.sha256


def test_a_tampered_report_is_refused_with_a_clear_message(client, login, rw):
    version = _issue(rw)
    path = issuing.path_for(version)
    original = path.read_bytes()
    try:
        _tamper_and_download(client, login, rw, version, path, original)
    finally:
        path.write_bytes(original)
    # storing the same bytes again heals a damaged file
    path.write_bytes(b"damaged")
    assert issuing.write_once(original) == version.sha256 and path.read_bytes() == original


def _tamper_and_download(client, login, rw, version, path, original):
    path.write_bytes(original.replace(b"Civil Affairs", b"Civil Affairz", 1) if b"Civil Affairs" in original
                     else original + b"\n% changed afterwards\n")
    login(rw.contact)
    res = client.get(f"{rw.base}/versions/1.pdf")
    page = res.get_data(as_text=True)
    assert res.status_code == 503
    assert res.mimetype == "text/html" and not res.data.startswith(b"%PDF")
    assert "is not the report that was issued" in page and "version 1" in page
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.damaged")).one()
    assert entry.changes["sha256"] == version.sha256
    # the file on disk is left as found, for whoever investigates
    assert path.read_bytes() != original


def test_a_missing_report_file_is_refused_too(client, login, rw):
    version = _issue(rw)
    path = issuing.path_for(version)
    original = path.read_bytes()
    path.unlink()
    try:
        login(rw.coordinator)
        res = client.get(f"{rw.base}/versions/1.pdf")
        assert res.status_code == 503 and "is missing" in res.get_data(as_text=True)
    finally:
        path.write_bytes(original)
