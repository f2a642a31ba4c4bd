from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app, has_request_context, request, url_for


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


_SLOTS = (9_137_000_001, 9_137_000_002, 9_137_000_003)
_ROW_URLS = "peerreview.row_urls"


def row_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` for the links a list repeats on every row (a page of 100
    accounts links each one three times). The route is built once per request and endpoint with
    a placeholder number in each value's place, then filled in: the same text as ``url_for``
    (the placeholder goes through the same converters and prefixes) at a tenth of its cost.
    Values that are not integers, and more than three of them, go to ``url_for``."""
    if not values or len(values) > len(_SLOTS) or not has_request_context() \
            or not all(type(v) is int for v in values.values()):
        return url_for(endpoint, **values)
    names = tuple(sorted(values))
    store = request.environ.setdefault(_ROW_URLS, {})
    key = (endpoint, names)
    parts = store.get(key)
    if parts is None:
        built = url_for(endpoint, **{n: slot for n, slot in zip(names, _SLOTS, strict=False)})
        parts, order, rest = [], [], built
        for n, slot in sorted(zip(names, _SLOTS, strict=False), key=lambda p: built.find(str(p[1]))):
            head, sep, rest = rest.partition(str(slot))
            if not sep:                 # the value is not in the path as its number: no shortcut
                parts = None
                break
            parts.append(head)
            order.append(n)
        store[key] = parts = (tuple(parts), tuple(order), rest) if parts is not None else False
    if parts is False:
        return url_for(endpoint, **values)
    heads, order, tail = parts
    return "".join(head + str(values[n]) for head, n in zip(heads, order, strict=True)) + tail


_LINKS: dict[tuple, str] = {}
MAX_LINKS = 4096
_PLAIN_VALUES = frozenset({str, int, bool, type(None)})


def remembered_url_for(endpoint: str, **values) -> str:
    """``url_for`` for templates and navigation, remembered by the process: a page's layout alone
    asks for a dozen links (stylesheet, scripts, menu), always the same, at about 10 µs each.
    The key holds everything the address is built from besides the endpoint and its values:
    the blueprint (for ``.name``), the script root, host and scheme of the request. Links with
    options (``_external``, ``_anchor`` ...), values that are not plain text or numbers, links
    outside a request and the development server (whose static files change under it) go to
    ``url_for`` itself."""
    if not has_request_context() or current_app.debug:
        return url_for(endpoint, **values)
    for name, value in values.items():
        if name[:1] == "_" or type(value) not in _PLAIN_VALUES:
            return url_for(endpoint, **values)
    env = request.environ
    key = (endpoint, request.blueprint if endpoint[:1] == "." else None,
           tuple(sorted(values.items())) if values else (),
           env.get("SCRIPT_NAME", ""), env.get("HTTP_HOST"), env.get("wsgi.url_scheme"))
    found = _LINKS.get(key)
    if found is None:
        found = url_for(endpoint, **values)
        if len(_LINKS) >= MAX_LINKS:
            _LINKS.clear()
        _LINKS[key] = found
    return found
