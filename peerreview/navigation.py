"""Navigation links and home-page cards, each shown only to those allowed to use it.

Features add entries here rather than editing base.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request
from flask_login import current_user

from peerreview import permissions as perm
from peerreview.formatting import day_month
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.i18n import ngettext
from peerreview.urls import remembered_url_for


@dataclass(frozen=True)
class Entry:
    label: object  # lazy texts (lazy_gettext), made str when a page is built
    endpoint: str
    allowed: Callable[[object], bool]
    text: object = ""
    # For the home-page card: a line about the user's own situation, shown above ``text``.
    status: Callable[[object], str] | None = None


NAV: list[Entry] = [
    Entry(_l("My tasks"), "deadlines.tasks", perm.can_view_tasks,
          _l("What is due from you, soonest first, with a link to where you do it."),
          status=lambda u: _tasks_status(u)),
    Entry(_l("Reviews"), "reviews.index", perm.can_list_reviews,
          _l("Peer reviews: requests, visit weeks, reports and follow-up.")),
    Entry(_l("Follow-up"), "followup.index", perm.can_view_all_follow_up,
          _l("What host cities did with each recommendation of their reports, across all reviews.")),
    Entry(_l("Surveys"), "surveys.network_results", perm.can_view_survey_results,
          _l("What hosts and peers said after each visit week, and what changed a year after the report.")),
    Entry(_l("Library"), "library.index", perm.can_use_library,
          _l("Recommendations, findings and good practices the cities share; comparisons "
             "across cities and years.")),
    Entry(_l("Benchmarks"), "framework.index", perm.can_view_framework,
          _l("The themes and their benchmarks: standards, key factors, guide questions.")),
    Entry(_l("Cities"), "cities.index", perm.can_list_cities,
          _l("The network's member cities and their contacts.")),
    Entry(_l("Peer pool"), "matching.pool", perm.can_view_peer_pool,
          _l("Peers by theme expertise, language, country, training and availability.")),
    Entry(_l("Peer profile"), "matching.profile",
          lambda u: perm.can_have_peer_profile(u) and not perm.is_coordinator(u),
          _l("Your expertise, languages and availability as a peer; calls for review teams.")),
    Entry(_l("Mentoring"), "mentoring.dashboard_page",
          lambda u: perm.is_coordinator(u) or perm.has_mentorship(u),
          _l("Mentor and implementing cities: action plans, visits and progress, city by city.")),
    Entry(_l("People"), "auth.people", perm.can_manage_users,
          _l("Invite people, resend invitations, deactivate or erase accounts.")),
    Entry(_l("Audit log"), "audit.index", perm.can_view_audit,
          _l("Who changed what, and when; failed logins and refused access.")),
]


def _tasks_status(user) -> str:
    from datetime import date

    from peerreview.deadlines.registry import collect

    today = date.today()
    items = collect(user=user, today=today)
    if not items:
        return _("Nothing is due from you.")
    late = sum(1 for d in items if d.due < today)
    if late:
        # Translators: %(late)d tasks of %(num)d are overdue
        return ngettext("%(num)d task due, %(late)d overdue.", "%(num)d tasks due, %(late)d overdue.",
                        len(items), late=late)
    return ngettext("%(num)d task due; the next on %(day)s.", "%(num)d tasks due; the next on %(day)s.",
                    len(items), day=day_month(items[0].due))


def nav_links():
    out = []
    for entry in NAV:
        if entry.allowed(current_user):
            url = remembered_url_for(entry.endpoint)
            out.append({"label": str(entry.label), "url": url,
                        "active": request.path.startswith(url.rstrip("/") or "/#")})
    return out


def home_cards():
    cards = [{"title": str(e.label), "url": remembered_url_for(e.endpoint), "text": str(e.text),
              "status": e.status(current_user) if e.status else ""}
             for e in NAV if e.allowed(current_user)]
    cards.append({"title": _("Your account"), "url": remembered_url_for("auth.account"),
                  "text": _("Your name and languages; download everything we hold about you.")})
    return cards
