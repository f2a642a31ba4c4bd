from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails, calendars and other places outside the site, always on
    SITE_URL: never built from the request's Host header, which the sender of the request
    chooses (a password reset asked for with ``Host: evil.example`` must still link here)."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path.rstrip("/") or "/",
                                       url_scheme=site.scheme)
    values = dict(values)
    anchor = values.pop("_anchor", None)
    current_app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    if anchor is not None:
        url += "#" + quote(str(anchor), safe="!#$&'()*+,/:;=?@[]~")
    return url


def site_hosts(site_url: str) -> list[str]:
    """The host names requests may name (TRUSTED_HOSTS) by default: SITE_URL's."""
    host = urlsplit(site_url).hostname
    return [host] if host else []


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
