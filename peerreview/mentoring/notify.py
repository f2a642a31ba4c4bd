"""E-mails about what happens in a mentorship, to its people (mentors and mentees).

Events: a visit planned, a progress review recorded, a mentor's proposed action, and the
implementing city's answer to it. They are one kind of message, "Mentoring updates"
(registered in deadlines.py), so each person chooses on the preferences page to get them at
once, in the weekly digest, or not at all. Overdue actions are deadlines (deadlines.py): the
mentees are reminded, and the mentors told once an action is past its date. The person who
caused the event is not told about it.
"""

from __future__ import annotations

from peerreview.mentoring.models import Mentorship

TEMPLATE = "mentoring_event"
EVENTS = ("visit_planned", "progress_recorded", "action_proposed", "proposal_accepted",
          "proposal_declined")


def recipients(m: Mentorship, actor) -> list:
    people = {p.user for p in m.people if p.user.is_active and p.user.email}
    people.discard(actor)
    return sorted(people, key=lambda u: u.id)


def notify(m: Mentorship, event: str, *, actor, **context) -> None:
    from peerreview.notifications.queue import queue_mail
    from peerreview.urls import absolute_url

    if event not in EVENTS:
        raise ValueError(f"Unknown mentoring event {event!r}")
    action = context.get("action")
    if action is not None:
        from peerreview.mentoring.plan import source_text

        context.setdefault("source", source_text(action))
        link = absolute_url("mentoring.action_page", mentorship_id=m.id, action_id=action.id)
    elif event == "progress_recorded":
        link = absolute_url("mentoring.show", mentorship_id=m.id) + "#movement"
    else:
        link = absolute_url("mentoring.show", mentorship_id=m.id)
    prefs = absolute_url("deadlines.preferences")
    for user in recipients(m, actor):
        queue_mail(user.email, TEMPLATE, user=user, m=m, event=event, actor=actor, link=link,
                   prefs_link=prefs, **context)
