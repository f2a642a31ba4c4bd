"""The consent check before issue: the report's texts must not name people who did not consent
to be named, nor quote people who did not consent to be quoted.

Each problem is resolved by changing the text, or overridden by the coordinator with a reason
that the review's history keeps. The check is registered on the "issue" step, so that issue is
refused (with what is wrong) while a problem is open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from peerreview.audit.services import record
from peerreview.domain import DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import ngettext
from peerreview.people.models import ConsentOverride, Interviewee
from peerreview.reviews import workflow

QUOTE = re.compile(r"[\"“”„«»]")
MIN_REASON = 10


@dataclass
class Problem:
    person: Interviewee
    kind: str                      # "name" or "quote"
    places: list[str] = field(default_factory=list)
    override: ConsentOverride | None = None

    @property
    def open(self) -> bool:
        return self.override is None


def _patterns(person: Interviewee) -> list[re.Pattern]:
    """The full name, and the family name alone when it is long enough to mean the person."""
    words = person.name.split()
    out = [re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)]
    if len(words) > 1 and len(words[-1]) >= 4:
        out.append(re.compile(r"(?<!\w)" + re.escape(words[-1]) + r"(?!\w)"))
    return out


def _blocks(text: str) -> list[str]:
    return [b for b in re.split(r"\n\s*\n", text or "") if b.strip()]


def _names(person: Interviewee, text: str) -> bool:
    return any(p.search(text) for p in _patterns(person))


def _quotes(person: Interviewee, text: str) -> bool:
    """A paragraph that holds a quotation and names the person or their organisation."""
    org = person.organisation.strip()
    for block in _blocks(text):
        if len(QUOTE.findall(block)) < 2:
            continue
        if _names(person, block) or (org and len(org) >= 4 and org.lower() in block.lower()):
            return True
    return False


def _texts(review):
    from peerreview.reports import references

    report = getattr(review, "report", None)
    if report is None:
        return []
    return [(where, getattr(obj, fld) or "") for where, _kind, obj, fld in references.texts(report)]


def problems(review) -> list[Problem]:
    people = [p for p in db.session.scalars(select(Interviewee).where(
        Interviewee.review_id == review.id).order_by(Interviewee.id)) if p.name_erased_at is None]
    if not people:
        return []
    texts = _texts(review)
    overrides = {(o.interviewee_id, o.kind): o for o in db.session.scalars(
        select(ConsentOverride).where(ConsentOverride.review_id == review.id))}
    out = []
    for person in people:
        if person.quote_consent != "named":
            places = [where for where, text in texts if _names(person, text)]
            if places:
                out.append(Problem(person, "name", places, overrides.get((person.id, "name"))))
        if person.quote_consent != "named" and person.quote_consent != "anonymous":
            places = [where for where, text in texts if _quotes(person, text)]
            if places:
                out.append(Problem(person, "quote", places, overrides.get((person.id, "quote"))))
    return out


def open_problems(review) -> list[Problem]:
    return [p for p in problems(review) if p.open]


def issue_check(review) -> str | None:
    """For the "issue" step: what the consent check still finds."""
    waiting = open_problems(review)
    if not waiting:
        return None
    return ngettext(
        "the report names or quotes %(num)d person who did not consent (change the text, or "
        "give the reason to go ahead on the consent check page)",
        "the report names or quotes %(num)d people who did not consent (change the text, or "
        "give the reason to go ahead on the consent check page)", len(waiting))


def register_checks() -> None:
    checks = workflow.EXTRA_CHECKS.setdefault("issue", [])
    if issue_check not in checks:
        checks.append(issue_check)


register_checks()


def override(review, person: Interviewee, kind: str, *, reason: str, actor) -> ConsentOverride:
    if review.state != "reporting":
        raise NotAllowed(_("The consent check happens before the report is issued."))
    problem = next((p for p in problems(review) if p.person.id == person.id and p.kind == kind), None)
    if problem is None:
        raise DomainError(_("The report no longer names or quotes this person: there is nothing to "
                            "override."))
    if problem.override is not None:
        raise DomainError(_("A reason has already been given for this."))
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise DomainError(_("Give the reason to go ahead (at least %(num)d characters): it is kept "
                            "in the review's history.", num=MIN_REASON), field="reason")
    if len(reason) > 2000:
        raise DomainError(_("Keep the reason under 2,000 characters."), field="reason")
    row = ConsentOverride(review_id=review.id, interviewee_id=person.id, kind=kind, reason=reason,
                          decided_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    what = (_("names a person who did not consent to be named") if kind == "name"
            else _("quotes a person who did not consent to be quoted"))
    who = person.organisation or _("an interviewee")
    note = _("Consent check overridden: the report %(what)s (%(who)s). Reason: %(reason)s",
             what=what, who=who, reason=reason)
    db.session.add(workflow.ReviewEvent(review=review, actor_id=getattr(actor, "id", None),
                                        from_state=review.state, to_state=review.state, note=note))
    record("consent.override", review, actor=actor,
           changes={"interviewee": person.id, "kind": kind, "reason": reason})
    return row
