"""Every file the application hands out goes through ``send_download()``.

The file name is offered the way RFC 6266 and RFC 5987 say (``filename="Lodz.pdf";
filename*=UTF-8''%C5%81%C3%B3d%C5%BA.pdf``, written by Werkzeug's ``send_file``), so that a
city or a person named in any script downloads under its own name. A Content-Disposition
written by hand with a non-Latin-1 name breaks the response under gunicorn. Names lose
bidirectional controls, control characters and path separators on the way
(``peerreview.text.safe_filename``).
"""

from __future__ import annotations

import io
from pathlib import Path

from flask import Response, send_file

from peerreview.text import safe_filename


def name_part(text: str) -> str:
    """A piece of a file name from a name people gave (a city): lower case, blanks as dashes,
    letters of every language kept."""
    return safe_filename(text, default="unnamed").lower().replace(" ", "-")


def send_download(body: bytes | str | Path, filename: str, mimetype: str, *, inline: bool = False,
                  etag: str | None = None) -> Response:
    """The response for a download of ``body`` (bytes, text sent as UTF-8, or a stored
    file's path). With an ``etag`` the browser may keep it and ask again with
    If-None-Match (304); without one nothing is kept."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    source = io.BytesIO(body) if isinstance(body, bytes) else body
    response = send_file(source, mimetype=mimetype, as_attachment=not inline,
                         download_name=safe_filename(filename), etag=etag or False,
                         conditional=True, max_age=0)
    if ";" in mimetype:  # a charset given here is the one that counts (send_file adds its own)
        response.headers["Content-Type"] = mimetype
    response.headers["Cache-Control"] = "private, no-cache" if etag else "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
