"""Uploaded files: checked (type and size), stored once by SHA-256 under instance/files/.

Files are never served from a public folder: views check access to the object the file
belongs to and then call ``send_stored()``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from werkzeug.utils import secure_filename

from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.files.models import StoredFile
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l

MAX_BYTES = 20 * 1024 * 1024

# extension -> (content type, accepted leading bytes)
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
ALLOWED = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
}
ACCEPT_ATTR = ",".join("." + ext for ext in ALLOWED)
KINDS_TEXT = _l("PDF, Office or OpenDocument files, and images (PNG, JPEG, GIF, WebP)")


def files_dir() -> Path:
    path = Path(current_app.instance_path) / "files"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(stored: StoredFile) -> Path:
    return files_dir() / stored.sha256[:2] / stored.sha256


def store_bytes(data: bytes, filename: str, field: str = "file") -> tuple[StoredFile, str]:
    name = secure_filename(filename or "") or "file"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        if filename:
            message = _("%(name)s is not an accepted kind of file. Accepted: %(kinds)s.",
                        name=filename, kinds=KINDS_TEXT)
        else:
            message = _("This file is not an accepted kind of file. Accepted: %(kinds)s.",
                        kinds=KINDS_TEXT)
        raise DomainError(message, field=field)
    if len(data) > MAX_BYTES:
        raise DomainError(_("%(name)s is larger than 20 MB.", name=filename), field=field)
    if not data:
        raise DomainError(_("%(name)s is empty.", name=filename), field=field)
    content_type, magic = ALLOWED[ext]
    if not data.startswith(magic):
        raise DomainError(_("%(name)s does not look like a .%(ext)s file.", name=filename, ext=ext),
                          field=field)
    digest = hashlib.sha256(data).hexdigest()
    stored = db.session.scalar(select(StoredFile).where(StoredFile.sha256 == digest))
    if stored is None:
        stored = StoredFile(sha256=digest, size=len(data), content_type=content_type)
        target = files_dir() / digest[:2] / digest
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            fd, tmp = tempfile.mkstemp(dir=target.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        db.session.add(stored)
        db.session.flush()
    return stored, name


def store_upload(upload, field: str = "file") -> tuple[StoredFile, str]:
    """Check and store a werkzeug FileStorage; raise DomainError naming ``field``."""
    data = upload.read(MAX_BYTES + 1)
    return store_bytes(data, upload.filename or "", field)


def send_stored(stored: StoredFile, filename: str):
    from peerreview.downloads import send_download

    return send_download(path_for(stored), filename, stored.content_type, etag=stored.sha256)
