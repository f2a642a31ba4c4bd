"""Static files with their content in the address: ``/static/js/capture.js?v=3f2a9c1b``.

Every ``url_for('static', ...)`` gets a short hash of the file's content as ``v``. A response to
such an address never changes, so browsers and the service worker keep it for a year and a
repeat visit loads no script or stylesheet again; a changed file gets a new address at once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request

YEAR = 365 * 24 * 3600
_hashes: dict[str, tuple[float, str]] = {}


def version_of(static_folder: str, filename: str, *, recheck: bool = True) -> str | None:
    """The file's content hash. ``recheck=False``: the hash found earlier in this process, with
    no look at the file (a running server's files change only with a new release, which
    restarts it; the development server looks every time)."""
    if not recheck:
        known = _hashes.get(filename)
        if known is not None:
            return known[1]
    path = Path(static_folder) / filename
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    known = _hashes.get(filename)
    if known is not None and known[0] == mtime:
        return known[1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    _hashes[filename] = (mtime, digest)
    return digest


def register(app: Flask) -> None:
    @app.url_defaults
    def static_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = version_of(app.static_folder, values["filename"], recheck=app.debug)
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned(response):
        if (request.endpoint == "static" and response.status_code == 200
                and request.args.get("v")
                and request.args["v"] == version_of(app.static_folder, request.view_args.get("filename", ""),
                                                    recheck=app.debug)):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return response
