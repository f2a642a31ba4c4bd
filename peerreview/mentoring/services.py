"""Schemes, mentorships, the people named, the mentorship's state machine and the needs
assessment. Functions flush, never commit; they raise DomainError with the field it belongs to.

State machine::

    proposed --start--> active --complete--> completed
        \\                 \\
         +---withdraw------+---withdraw----> withdrawn   (a reason is required)

Every transition writes a MentorshipEvent and an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from peerreview import formatting
from peerreview.audit.services import diff, record
from peerreview.auth.models import User
from peerreview.cities.models import City
from peerreview.domain import Conflict, DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.framework.constants import parse_rating
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.mentoring.models import (
    STATES,
    MentoringScheme,
    Mentorship,
    MentorshipEvent,
    MentorshipPerson,
    NeedsAssessment,
    NeedsEntry,
    SchemeCity,
)
from peerreview.timeutil import utcnow

MAX_TEXT = 20_000


class FieldErrors(DomainError):
    """Several fields are wrong at once: ``errors`` maps each field name to its message."""

    def __init__(self, errors: dict[str, str]):
        first = next(iter(errors.values()))
        super().__init__(first, field=next(iter(errors)))
        self.errors = errors


def fmt(day: date | None) -> str:
    return formatting.day(day)


def text(value, *, limit: int = MAX_TEXT, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(_("%(label)s is too long: at most %(limit)s characters.", label=label, limit=f"{limit:,}"), field=field)
    return value


def rating_or_none(value, *, field: str) -> str | None:
    """A rating on the one scale, or None for "not rated yet"; DomainError names the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_rating(value)
    except DomainError as exc:
        raise DomainError(exc.message, field=field) from None


# --- schemes -------------------------------------------------------------------------------

def _cities(ids) -> list[City]:
    ids = sorted({int(i) for i in ids or []})
    if not ids:
        return []
    found = db.session.scalars(select(City).where(City.id.in_(ids))).all()
    if len(found) != len(ids):
        raise DomainError(_("One of the chosen cities does not exist."), field="mentor_cities")
    return sorted(found, key=lambda c: c.name)


def _check_scheme(values: dict) -> None:
    if not (values.get("name") or "").strip():
        raise DomainError(_("Give the scheme a name."), field="name")
    if values["ends_on"] < values["starts_on"]:
        raise DomainError(_("The scheme must end after it starts (%(starts_on)s).", starts_on=fmt(values['starts_on'])),
                          field="ends_on")


def _participants(mentor_ids, implementing_ids) -> tuple[list[City], list[City]]:
    mentors, implementing = _cities(mentor_ids), _cities(implementing_ids)
    if not mentors:
        raise DomainError(_("Choose at least one mentor city."), field="mentor_cities")
    if not implementing:
        raise DomainError(_("Choose at least one implementing city."), field="implementing_cities")
    both = {c.id for c in mentors} & {c.id for c in implementing}
    if both:
        name = next(c.name for c in mentors if c.id in both)
        raise DomainError(_("%(name)s cannot be both a mentor and an implementing city in one scheme.", name=name),
                          field="implementing_cities")
    return mentors, implementing


def create_scheme(*, theme, values: dict, mentor_city_ids, implementing_city_ids, actor) -> MentoringScheme:
    """A new scheme on ``theme``, frozen to the theme's current published benchmark."""
    bench = theme.current_benchmark if theme is not None else None
    if bench is None:
        raise DomainError(_("This theme has no published benchmark yet, so no scheme can use it."),
                          field="theme_id")
    _check_scheme(values)
    mentors, implementing = _participants(mentor_city_ids, implementing_city_ids)
    scheme = MentoringScheme(
        name=values["name"].strip()[:200], theme=theme, benchmark=bench,
        starts_on=values["starts_on"], ends_on=values["ends_on"],
        description=text(values.get("description"), field="description", label=_("The description")),
        created_by_id=getattr(actor, "id", None))
    scheme.participants = ([SchemeCity(city=c, role="mentor") for c in mentors]
                           + [SchemeCity(city=c, role="implementing") for c in implementing])
    db.session.add(scheme)
    db.session.flush()
    record("mentoring.scheme_create", scheme, actor=actor, changes={
        "name": scheme.name, "theme": theme.slug, "benchmark_version": bench.version,
        "period": [scheme.starts_on, scheme.ends_on],
        "mentor_cities": [c.name for c in mentors], "implementing_cities": [c.name for c in implementing]})
    return scheme


def update_scheme(scheme: MentoringScheme, *, values: dict, mentor_city_ids, implementing_city_ids,
                  actor) -> dict:
    """Name, period, description and participants; the theme and benchmark never change."""
    _check_scheme(values)
    mentors, implementing = _participants(mentor_city_ids, implementing_city_ids)
    wanted = {c.id: "mentor" for c in mentors} | {c.id: "implementing" for c in implementing}
    for m in scheme.mentorships:
        used = {m.implementing_city_id: "implementing"} | {c.id: "mentor" for c in m.mentor_cities}
        for city_id, role in used.items():
            if wanted.get(city_id) != role:
                city = db.session.get(City, city_id)
                if role == "mentor":
                    raise DomainError(_("%(name)s takes part in a mentorship of this scheme as a "
                                        "mentor city, so it stays one.", name=city.name),
                                      field="mentor_cities")
                raise DomainError(_("%(name)s takes part in a mentorship of this scheme as an "
                                    "implementing city, so it stays one.", name=city.name),
                                  field="implementing_cities")
    changes = diff(scheme, {
        "name": values["name"].strip()[:200], "starts_on": values["starts_on"],
        "ends_on": values["ends_on"],
        "description": text(values.get("description"), field="description",
                            label=_("The description"))})
    current = {p.city_id: p for p in scheme.participants}
    before = sorted(f"{p.city.name} ({p.role})" for p in scheme.participants)
    for city_id, p in list(current.items()):
        if city_id not in wanted:
            scheme.participants.remove(p)
        elif p.role != wanted[city_id]:
            p.role = wanted[city_id]
    for c in mentors + implementing:
        if c.id not in current:
            scheme.participants.append(SchemeCity(city=c, role=wanted[c.id]))
    after = sorted(f"{c.name} ({wanted[c.id]})" for c in mentors + implementing)
    if before != after:
        changes["participants"] = [before, after]
    if changes:
        db.session.flush()
        record("mentoring.scheme_edit", scheme, actor=actor, changes=changes)
    return changes


# --- mentorships and the people named ---------------------------------------------------------

@dataclass
class People:
    mentor_city_ids: list[int]
    mentor_ids: list[int]
    mentee_ids: list[int]


def _resolve_people(scheme: MentoringScheme, implementing: City, people: People):
    scheme_mentors = {c.id: c for c in scheme.mentor_cities}
    if not people.mentor_city_ids:
        raise DomainError(_("Choose at least one mentor city."), field="mentor_cities")
    unknown = [i for i in people.mentor_city_ids if i not in scheme_mentors]
    if unknown:
        raise DomainError(_("A mentor city must be one of the scheme's mentor cities."), field="mentor_cities")
    mentor_cities = [scheme_mentors[i] for i in sorted(set(people.mentor_city_ids))]
    ids = set(people.mentor_ids) | set(people.mentee_ids)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    mentors, mentees = [], []
    for uid in sorted(set(people.mentor_ids)):
        u = users.get(uid)
        if u is None or u.city_id not in {c.id for c in mentor_cities} or not u.is_active:
            raise DomainError(_("A mentor must be an active person of one of the mentor cities."),
                              field="mentors")
        mentors.append(u)
    for uid in sorted(set(people.mentee_ids)):
        u = users.get(uid)
        if u is None or u.city_id != implementing.id or not u.is_active:
            raise DomainError(_("A mentee must be an active person of %(name)s.", name=implementing.name), field="mentees")
        mentees.append(u)
    return mentor_cities, mentors, mentees


def create_mentorship(scheme: MentoringScheme, *, implementing_city_id: int, people: People,
                      actor) -> Mentorship:
    implementing = next((c for c in scheme.implementing_cities if c.id == implementing_city_id), None)
    if implementing is None:
        raise DomainError(_("Choose one of the scheme's implementing cities."), field="implementing_city_id")
    mentor_cities, mentors, mentees = _resolve_people(scheme, implementing, people)
    for other in scheme.mentorships:
        if (other.is_open and other.implementing_city_id == implementing.id
                and {c.id for c in other.mentor_cities} & {c.id for c in mentor_cities}):
            raise DomainError(_("%(title)s already exists in this scheme; change its people "
                              "instead.", title=other.title), field="mentor_cities")
    m = Mentorship(scheme=scheme, implementing_city=implementing, state="proposed",
                   proposed_on=date.today(), mentor_cities=mentor_cities)
    m.people = ([MentorshipPerson(user=u, role="mentor") for u in mentors]
                + [MentorshipPerson(user=u, role="mentee") for u in mentees])
    db.session.add(m)
    db.session.flush()
    m.events.append(MentorshipEvent(actor_id=getattr(actor, "id", None), from_state=None,
                                    to_state="proposed"))
    record("mentorship.create", m, actor=actor, changes={
        "scheme": scheme.id, "implementing_city": implementing.name,
        "mentor_cities": [c.name for c in mentor_cities],
        "mentors": [u.id for u in mentors], "mentees": [u.id for u in mentees]})
    from peerreview.mentoring import baseline

    baseline.start_from_review(m, actor=actor)   # the review's team ratings, if there is one
    return m


def set_people(m: Mentorship, *, people: People, actor) -> dict:
    if not m.is_open:
        raise NotAllowed(_("The mentorship is %(state_label)s; its people no longer change.", state_label=m.state_label.lower()))
    mentor_cities, mentors, mentees = _resolve_people(m.scheme, m.implementing_city, people)
    before = {"mentor_cities": sorted(c.name for c in m.mentor_cities),
              "mentors": sorted(p.user_id for p in m.people if p.role == "mentor"),
              "mentees": sorted(p.user_id for p in m.people if p.role == "mentee")}
    m.mentor_cities = mentor_cities
    wanted = {u.id: "mentor" for u in mentors} | {u.id: "mentee" for u in mentees}
    for p in list(m.people):
        if wanted.get(p.user_id) != p.role:
            m.people.remove(p)
    have = {p.user_id for p in m.people}
    for u in mentors + mentees:
        if u.id not in have:
            m.people.append(MentorshipPerson(user=u, role=wanted[u.id]))
    after = {"mentor_cities": sorted(c.name for c in mentor_cities),
             "mentors": sorted(u.id for u in mentors), "mentees": sorted(u.id for u in mentees)}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        db.session.flush()
        record("mentorship.people", m, actor=actor, changes=changes)
    return changes


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str
    needs_reason: bool = False


TRANSITIONS = {
    "start": Transition("start", ("proposed",), "active", _l("Start the mentorship")),
    "complete": Transition("complete", ("active",), "completed", _l("Mark as completed")),
    "withdraw": Transition("withdraw", ("proposed", "active"), "withdrawn", _l("Withdraw"), needs_reason=True),
}


def missing_for(m: Mentorship, t: Transition) -> list[str]:
    out = []
    if t.name == "start":
        if not m.mentors:
            out.append("name at least one mentor")
        if not m.mentees:
            out.append("name at least one mentee")
    return out


def available(m: Mentorship) -> list[tuple[Transition, list[str]]]:
    return [(t, missing_for(m, t)) for t in TRANSITIONS.values() if m.state in t.sources]


def transition(m: Mentorship, name: str, *, on: date | None = None, reason: str = "", actor) -> None:
    t = TRANSITIONS.get(name)
    if t is None:
        raise NotAllowed(_("There is no such step."))
    if m.state not in t.sources:
        allowed = " or ".join(STATES[s].lower() for s in t.sources)
        raise NotAllowed(_("The mentorship is %(state_label)s; only a %(allowed)s mentorship "
                         "can take the step “%(label)s”.", state_label=m.state_label.lower(), allowed=allowed, label=t.label))
    missing = missing_for(m, t)
    if missing:
        raise NotAllowed(_("Before “%(label)s”: %(missing)s.", label=t.label, missing='; '.join(missing)))
    reason = text(reason, limit=2000, field="reason", label=_("The reason"))
    if t.needs_reason and not reason:
        raise DomainError(_("Say why (required)."), field="reason")
    on = on or date.today()
    if on > date.today():
        raise DomainError(_("The date cannot be in the future."), field="on")
    if t.target == "active":
        if on < m.proposed_on:
            raise DomainError(_("The mentorship cannot start before it was proposed (%(proposed_on)s).", proposed_on=fmt(m.proposed_on)),
                              field="on")
        m.started_on = on
    else:
        if m.started_on and on < m.started_on:
            raise DomainError(_("The date is before the mentorship started (%(started_on)s).", started_on=fmt(m.started_on)), field="on")
        m.ended_on = on
    before = m.state
    m.state = t.target
    m.state_reason = reason if t.needs_reason else m.state_reason
    m.events.append(MentorshipEvent(actor_id=getattr(actor, "id", None), from_state=before,
                                    to_state=t.target, note=reason))
    db.session.flush()
    record(f"mentorship.{t.name}", m, actor=actor,
           changes={"state": [before, t.target], "on": on, **({"reason": reason} if reason else {})})


# --- needs assessment ---------------------------------------------------------------------------

@dataclass
class NeedsInput:
    key_factor_id: int
    rating: str | None
    narrative: str
    gap: str


def save_needs(m: Mentorship, *, entries: list[NeedsInput], goals: str, assessed_on: date | None,
               version: int | None, actor, source_review_id: int | None = None) -> dict:
    """Save the whole needs assessment. A rating off the scale, or a text that is too long, is
    reported next to its field and nothing is saved; so is an edit that started from an older
    version (Conflict, with the saved assessment as ``current``). ``source_review_id``: a first
    save of a form prefilled from that review's team ratings (see baseline.py)."""
    from peerreview.mentoring import baseline
    if not m.is_open:
        raise NotAllowed(_("The mentorship is %(state_label)s; the needs assessment is closed.", state_label=m.state_label.lower()))
    needs = m.needs
    if needs is not None and version is not None and version != needs.version:
        raise Conflict(_("Someone else saved the needs assessment after you opened it. Nothing of "
                       "yours was saved: compare, then save again."), current=needs)
    key_factors = {kf.id: kf for kf in m.benchmark.key_factors}
    errors: dict[str, str] = {}
    clean: dict[int, tuple[str | None, str, str]] = {}
    for e in entries:
        if e.key_factor_id not in key_factors:
            continue
        kf = key_factors[e.key_factor_id]
        try:
            rating = rating_or_none(e.rating, field=f"rating_{kf.id}")
            narrative = text(e.narrative, field=f"narrative_{kf.id}", label=_("The narrative of %(code)s", code=kf.code))
            gap = text(e.gap, limit=5000, field=f"gap_{kf.id}", label=_("The gap of %(code)s", code=kf.code))
        except DomainError as exc:
            errors[exc.field] = exc.message
            continue
        clean[kf.id] = (rating, narrative, gap)
    try:
        goals = text(goals, field="goals", label=_("The goals"))
    except DomainError as exc:
        errors["goals"] = exc.message
    assessed_on = assessed_on or date.today()
    if assessed_on > date.today():
        errors["assessed_on"] = _("The baseline date cannot be in the future.")
    if errors:
        raise FieldErrors(errors)
    created = needs is None
    if created:
        source = baseline.review_source(m, source_review_id) if source_review_id else None
        needs = NeedsAssessment(mentorship=m, goals="", assessed_on=assessed_on,
                                source_review_id=source.review.id if source else None)
        db.session.add(needs)
    changes = diff(needs, {"goals": goals, "assessed_on": assessed_on})
    for kf_id, (rating, narrative, gap) in clean.items():
        entry = needs.entry(kf_id)
        if entry is None:
            entry = NeedsEntry(key_factor_id=kf_id, rating=None, narrative="", gap="")
            needs.entries.append(entry)
        changed = diff(entry, {"rating": rating, "narrative": narrative, "gap": gap})
        if changed:
            code = key_factors[kf_id].code
            changes.update({f"{code}.{k}": v for k, v in changed.items()})
    if changes or created:
        needs.updated_at = utcnow()
        needs.updated_by_id = getattr(actor, "id", None)
        baseline.mark_entries(m, needs)
        db.session.flush()
        record("mentoring.needs_save", m, actor=actor, changes=changes)
    return changes


def baseline(m: Mentorship) -> dict[int, str | None]:
    """{key factor id: baseline rating} from the needs assessment."""
    if m.needs is None:
        return {}
    return {e.key_factor_id: e.rating for e in m.needs.entries}
