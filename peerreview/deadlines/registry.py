"""One place that knows every deadline, and every kind of message a person can receive.

A **deadline source** is a function that returns the open deadlines of one kind: each a
``Deadline`` with its kind, due date, the object it is about, the people who must act, a
title (what to do) and the page where it is done. The reminders (``flask reminders send``),
the weekly digest (``flask reminders digest``), the *My tasks* page and the preferences page
all read deadlines from here; none of them knows which feature a deadline comes from.

Adding the deadlines of a feature takes one call. Put them in ``peerreview/<feature>/deadlines.py``
(found and imported automatically, also from the command line) and decorate each source::

    from peerreview.deadlines.registry import Deadline, deadline_source

    @deadline_source("report.factual_check", "Factual check of the report",
                     "The host city checks the facts of the draft report.", group="Peer reviews")
    def factual_check_due(*, user=None, today):
        # Return every open deadline of this kind. ``user`` set: only those ``user`` must act on
        # (the My tasks page asks this way; filter in SQL, load what you return in one go).
        # Stop returning a deadline as soon as the work is done: that stops its reminders.
        for report in ...:
            yield Deadline(kind="report.factual_check", due=report.factual_check_due,
                           obj=report, users=tuple(host_contacts), title="Check the facts of the draft report",
                           subject=report.review.title, endpoint="reports.show",
                           url_values={"review_id": report.review_id})

Give each deadline ``can``, the predicate of ``peerreview.permissions`` that says whether a
person may do it (for example ``lambda u: perm.can_edit_programme(u, review)``): *My tasks*, the
reminders and the digest then show it only to those of ``users`` who can, so that nobody is
asked to do what they may not, and no task links to a page its reader may not use.

The first argument is the kind's key: it names the kind in the reminders table and in people's
preferences, so never rename it. Registering the same key again replaces the earlier source (a
feature may take over a deadline this package defines only roughly, such as the report draft).
Reminders go out 7 days and 1 day before ``due`` and once the day after it is missed; a
changed ``due`` starts the reminders afresh. Mentoring registers "mentoring.action" (action
deadlines) and "mentoring.progress_review" the same way; the report feature
"report.factual_check" and "report.follow_up" (6 and 12 months after issue: return one
Deadline per date, ``due`` tells them apart).

Messages that are not about a deadline (review updates) are kinds too (``register_kind``), so
that people can choose them weekly or off; mandatory kinds (a team invitation, a password link)
are listed on the preferences page but cannot be turned off.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from peerreview.i18n import lazy_gettext as _l

# Translators: how a person gets a kind of e-mail: at once, gathered weekly, or not at all ("Off")
MODES = {"immediate": _l("Immediately"), "weekly": _l("In a weekly digest"), "off": _l("Off")}
DEFAULT_MODE = "immediate"


@dataclass(frozen=True)
class MessageKind:
    key: str
    label: str
    description: str = ""
    group: str = _l("Other")
    mandatory: bool = False
    # Mail templates (under templates/mail/) that carry messages of this kind, for the kinds
    # that are not deadlines: queue_mail() looks the kind up by template.
    templates: tuple[str, ...] = ()
    deadline: bool = False


@dataclass(frozen=True, eq=False)
class Deadline:
    """Something that must be done by ``due``, by ``users``, on the page ``endpoint``."""

    kind: str
    due: date
    obj: Any
    users: tuple
    title: str                      # what to do, e.g. "Submit the self-assessment"
    subject: str                    # what it is about, e.g. "Helsinki: Cultural diversity"
    endpoint: str                   # where it is done
    url_values: Mapping[str, Any] = field(default_factory=dict)
    # may this person do it (and use the page)? None: everyone in ``users`` may
    can: Callable[[Any], bool] | None = None

    @property
    def object_type(self) -> str:
        return getattr(self.obj, "__tablename__", type(self.obj).__name__.lower())

    @property
    def object_id(self) -> int:
        return int(self.obj.id)

    @property
    def url(self) -> str:
        """The page where the action is done (a path, for pages of this site)."""
        from flask import url_for

        return url_for(self.endpoint, **self.url_values)

    @property
    def absolute_url(self) -> str:
        """The same page as a full address, for e-mails (SITE_URL from the command line)."""
        from peerreview.urls import absolute_url

        return absolute_url(self.endpoint, **self.url_values)

    def days_left(self, today: date) -> int:
        return (self.due - today).days


Source = Callable[..., Iterable[Deadline]]

KINDS: dict[str, MessageKind] = {}
SOURCES: dict[str, Source] = {}


def register_kind(kind: MessageKind) -> MessageKind:
    KINDS[kind.key] = kind
    return kind


def deadline_source(key: str, label: str, description: str = "", *, group: str = _l("Peer reviews")):
    """Decorator: register ``fn(*, user=None, today)`` as the source of deadlines of kind ``key``."""

    def decorate(fn: Source) -> Source:
        register_kind(MessageKind(key=key, label=label, description=description, group=group,
                                  deadline=True))
        SOURCES[key] = fn
        return fn

    return decorate


_loaded = False


def ensure_loaded() -> None:
    """Import this package's sources and every ``peerreview.<feature>.deadlines`` module."""
    global _loaded
    if _loaded:
        return
    import peerreview

    importlib.import_module("peerreview.deadlines.sources")
    for info in pkgutil.iter_modules(peerreview.__path__):
        if info.ispkg and info.name != "deadlines":
            spec = importlib.util.find_spec(f"peerreview.{info.name}.deadlines")
            if spec is not None:
                importlib.import_module(f"peerreview.{info.name}.deadlines")
    _loaded = True


def kinds() -> list[MessageKind]:
    """Every kind of message, in a stable order: deadline reminders first, mandatory last."""
    ensure_loaded()
    return sorted(KINDS.values(), key=lambda k: (k.mandatory, not k.deadline))  # stable: registration order


def kind_for_template(template: str) -> MessageKind | None:
    ensure_loaded()
    name = template.rsplit("/", 1)[-1]  # "fi/review_state" -> "review_state"
    for kind in KINDS.values():
        if name in kind.templates:
            return kind
    return None


def collect(*, user=None, today: date | None = None) -> list[Deadline]:
    """Every open deadline (of ``user``, when given), soonest first."""
    ensure_loaded()
    today = today or date.today()
    out: list[Deadline] = []
    for key, source in SOURCES.items():
        for d in source(user=user, today=today):
            if d.kind != key:
                raise ValueError(f"The source of {key!r} returned a deadline of kind {d.kind!r}.")
            if user is not None and user not in d.users:
                continue
            if d.can is not None:
                able = tuple(u for u in ((user,) if user is not None else d.users) if d.can(u))
                if not able:
                    continue
                if user is None and able != tuple(d.users):
                    d = dataclasses.replace(d, users=able)
            out.append(d)
    out.sort(key=lambda d: (d.due, d.kind, d.object_id))
    return out
