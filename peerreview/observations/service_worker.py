"""The capture page's service worker (``/sw.js``): the script of peerreview/static/js/sw.js with
the current addresses of the files it keeps for offline use, its version, and the offline page's
texts in the language of the request that installs it. Its answers never write the session
cookie (``peerreview/sessions_cookie.py``: the browser asks for it on every navigation)."""

from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, url_for

from peerreview.i18n import gettext as _

# The files the capture page needs offline; the service worker caches them when it installs.
OFFLINE_ASSETS = ("css/app.css", "js/i18n.js", "js/confirm.js", "js/forms.js", "js/capture.js",
                  "js/people.js", "favicon.svg")


def register_service_worker(app):
    @app.get("/sw.js")
    def service_worker():
        path = current_app.static_folder + "/js/sw.js"
        with open(path, encoding="utf-8") as fh:
            body = fh.read()
        assets = [url_for("static", filename=name) for name in OFFLINE_ASSETS]
        offline = json.dumps({
            "title": _("Offline"), "heading": _("You are offline"),
            "body": _("This page was not saved on this device yet. Open it once while online."),
        })
        body = body.replace("__OFFLINE_TEXT__", offline)
        version = hashlib.sha256((body + "".join(assets)).encode()).hexdigest()[:10]
        body = body.replace("__ASSETS__", json.dumps(assets)).replace("__VERSION__", version)
        return Response(body, mimetype="application/javascript",
                        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})
