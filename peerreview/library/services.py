"""The host city's choice: how widely its issued report is published, and which single
findings, recommendations and good practices it holds back. Every change is audited."""

from __future__ import annotations

from sqlalchemy import select

from peerreview.audit.services import record
from peerreview.domain import DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.library import index
from peerreview.library.models import LEVELS, LibraryItem, WithheldItem
from peerreview.timeutil import utcnow

LEVEL_LABELS = {
    "private": _l("Private: the host city, the review team and the secretariat"),
    "network": _l("Shared with the network: every member who logs in"),
    "public": _l("Public: anyone, without logging in"),
}
# one whole sentence per level: a level's name cannot be put in lower case in every language
LEVEL_SAVED = {"private": _l("Saved: the report is now private."),
               "network": _l("Saved: the report is now shared with the network."),
               "public": _l("Saved: the report is now public.")}
LEVEL_SHORT = {"private": _l("Private"), "network": _l("Shared with the network"),
               "public": _l("Public")}


def items_of(report) -> list[LibraryItem]:
    """The report's items in the document's order: findings, recommendations, good practices."""
    index.ensure_indexed(report)
    kinds = {"finding": 0, "recommendation": 1, "practice": 2}
    rows = db.session.scalars(select(LibraryItem).where(LibraryItem.report_id == report.id)).all()
    return sorted(rows, key=lambda i: (kinds[i.kind], i.kf_position if i.kind == "finding" else 0,
                                       int(i.code[1:]) if i.code[1:].isdigit() else 0, i.code))


def set_publication(report, *, level: str, withheld: set[str], actor) -> bool:
    """Publish ``report`` at ``level`` and hold back the items whose codes are in
    ``withheld``. Returns whether anything changed (and was audited)."""
    if not report.versions:
        raise NotAllowed(_("The report is published once it has been issued."))
    if level not in LEVELS:
        raise DomainError(_("Choose who may read the report."), field="level")
    items = {i.code: i for i in items_of(report)}
    unknown = sorted(set(withheld) - set(items))
    if unknown:
        raise DomainError(_("These items are not in the issued report: %(codes)s.",
                             codes=", ".join(unknown)), field="withheld")
    pub = index.publication_of(report)
    before_level = pub.level
    rows = {w.code: w for w in db.session.scalars(
        select(WithheldItem).where(WithheldItem.report_id == report.id))}
    added = sorted(set(withheld) - set(rows))
    released = sorted(set(rows) - set(withheld))
    if before_level == level and not added and not released:
        return False
    for code in added:
        item = items[code]
        db.session.add(WithheldItem(report_id=report.id, kind=item.kind, code=code,
                                    fingerprint=index.fingerprint(item.body) if item.kind == "practice" else ""))
    for code in released:
        db.session.delete(rows[code])
    pub.level, pub.changed_at = level, utcnow()
    db.session.flush()
    index.apply_publication(report)
    record("library.publication", report.review, actor=actor, changes={
        "level": [before_level, level], "withheld": added, "released": released})
    return True
