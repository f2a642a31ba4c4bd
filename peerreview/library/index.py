"""The library's copy of an issued report: one row per finding, recommendation and good
practice, made when a version is issued and kept in step with the report's publication.

Called from ``reports.issuing.store`` (every issue and re-issue) and by the publication
service. The full-text index follows these rows by itself (see models.py).
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from peerreview.extensions import db
from peerreview.library.models import LibraryItem, Publication, WithheldItem, facets
from peerreview.timeutil import utcnow

_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")


def practices(text: str) -> list[str]:
    """The good practices of the report's "Good practices to share" text: one per list line
    ("- ..."), or one per paragraph when the text is not a list."""
    text = (text or "").strip()
    if not text:
        return []
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if any(_BULLET.match(ln) for ln in lines):
        items: list[str] = []
        for ln in lines:
            if _BULLET.match(ln) or not items:
                items.append(_BULLET.sub("", ln).strip())
            else:
                items[-1] += " " + ln.strip()
        return [i for i in items if i]
    return [p.strip().replace("\n", " ") for p in re.split(r"\n\s*\n", text) if p.strip()]


def fingerprint(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).lower().encode("utf-8")).hexdigest()


def headline(text: str, limit: int = 160) -> str:
    """The first sentence of ``text``, shortened to ``limit`` characters."""
    text = " ".join((text or "").split())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    first = m.group(1) if m else text
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "\u2026"


def publication_of(report) -> Publication:
    pub = report.publication
    if pub is None:
        pub = Publication(report=report, level="private")
        db.session.add(pub)
    return pub


def _withheld(report) -> tuple[set[tuple[str, str]], set[str]]:
    rows = db.session.scalars(select(WithheldItem).where(WithheldItem.report_id == report.id)).all()
    return {(w.kind, w.code) for w in rows}, {w.fingerprint for w in rows if w.fingerprint}


def _entries(report) -> list[dict]:
    """What the issued report says, item by item."""
    from peerreview.reports.codes import recommendations_in_order

    review = report.review
    sa = review.self_assessment
    self_ratings = ({e.key_factor_id: e.rating for e in sa.entries}
                    if sa is not None and sa.status == "submitted" else {})
    out = []
    for f in sorted(report.findings, key=lambda f: f.key_factor.position):
        kf = f.key_factor
        body = "\n\n".join(t for t in (f.rationale, f.strengths, f.improvements) if t and t.strip())
        out.append({"kind": "finding", "code": kf.code, "kf": kf, "title": headline(body) or kf.title,
                    "body": body,
                    "rating": f.rating, "self_rating": self_ratings.get(kf.id)})
    for r in recommendations_in_order(report):
        if not r.number:
            continue  # not issued yet: a correction still being written
        body = "\n\n".join(t for t in (r.action, r.rationale) if t and t.strip())
        out.append({"kind": "recommendation", "code": r.code, "kf": r.key_factor,
                    "title": headline(r.action), "body": body, "recommendation_id": r.id})
    for n, text in enumerate(practices(report.text("good_practices")), 1):
        out.append({"kind": "practice", "code": f"P{n}", "kf": None, "title": headline(text),
                    "body": text, "fingerprint": fingerprint(text)})
    return out


def index_report(report) -> None:
    """Copy the report's issued text into the library (insert, update, remove), then apply
    its publication. Call after a version was issued (the rows' text is then the issued one)."""
    review = report.review
    latest = report.latest_version
    if latest is None:
        return
    first = report.versions[0]
    issued_on = first.issued_at.date()
    bench = review.benchmark
    city = review.host_city
    existing = {(i.kind, i.code): i for i in db.session.scalars(
        select(LibraryItem).where(LibraryItem.report_id == report.id))}
    seen = set()
    now = utcnow()
    theme_name, theme_id = bench.theme.name, bench.theme_id
    with db.session.no_autoflush:
        _write(report, review, bench, city, theme_id, theme_name, issued_on, existing, seen, now)
    for key, item in existing.items():
        if key not in seen:
            db.session.delete(item)
    db.session.flush()
    apply_publication(report)


def _write(report, review, bench, city, theme_id, theme_name, issued_on, existing, seen, now) -> None:
    for e in _entries(report):
        key = (e["kind"], e["code"])
        seen.add(key)
        item = existing.get(key)
        if item is None:
            item = LibraryItem(report_id=report.id, review_id=review.id, kind=e["kind"], code=e["code"])
            db.session.add(item)
        kf = e["kf"]
        item.recommendation_id = e.get("recommendation_id")
        item.key_factor_id = kf.id if kf is not None else None
        item.kf_code = kf.code if kf is not None else ""
        item.kf_title = kf.title if kf is not None else ""
        item.kf_position = kf.position if kf is not None else 0
        item.charter_roles = "".join(f"|{r}" for r in (kf.charter_roles or [])) + "|" if kf is not None else ""
        item.theme_id, item.theme_name = theme_id, theme_name
        item.benchmark_id, item.benchmark_version = bench.id, bench.version
        item.city_id, item.city_name, item.country = city.id, city.name, city.country
        item.issued_on, item.year = issued_on, issued_on.year
        item.title, item.body = e["title"], e["body"]
        item.rating, item.self_rating = e.get("rating"), e.get("self_rating")
        item.search_text = " ".join(t for t in (e["code"], item.kf_code, item.kf_title, e["title"],
                                                 e["body"], city.name, theme_name) if t)
        item.search_facets = facets(item.kind, theme_id, city.id, city.country, item.year,
                                    item.kf_code, item.charter_roles)
        item.indexed_at = now


def apply_publication(report) -> None:
    """Set every item's level and held-back flag from the report's publication."""
    pub = publication_of(report)
    codes, prints = _withheld(report)
    items = db.session.scalars(select(LibraryItem).where(LibraryItem.report_id == report.id)).all()
    now = utcnow()
    for item in items:
        held = (item.kind, item.code) in codes
        if item.kind == "practice" and not held:
            held = fingerprint(item.body) in prints
        item.level, item.withheld = pub.level, held
        if pub.level == "public" and not held and item.published_at is None:
            item.published_at = now
    db.session.flush()


def needs_index(report) -> bool:
    return bool(report.versions) and db.session.scalar(
        select(LibraryItem.id).where(LibraryItem.report_id == report.id).limit(1)) is None


def ensure_indexed(report) -> None:
    """Reports issued before the library existed get their copy on first need."""
    if needs_index(report):
        index_report(report)
