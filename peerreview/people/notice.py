"""The information notice for interviewees: how the team's notes and quotes are used, and how
long their details are kept. Shown in the invitation e-mail and on the answer page."""

from __future__ import annotations

from flask import current_app

from peerreview.i18n import gettext as _


def retention_months() -> int:
    return int(current_app.config.get("INTERVIEWEE_RETENTION_MONTHS", 6))


def paragraphs(review) -> list[str]:
    network = current_app.config["NETWORK_NAME"]
    city = review.host_city.name
    return [
        _("%(city)s has asked %(network)s for a peer review: a small team of officials from other "
          "cities visits %(city)s, listens to the people who make and use its policies, and writes "
          "a report with recommendations.", city=city, network=network),
        _("During the meeting the team takes notes. The notes are read only by the team and the "
          "network's secretariat. The report is published to %(city)s and to the network; it "
          "describes what the team heard, not who said it, unless you agree.", city=city),
        _("You choose whether the report may quote you by name, quote you without your name, or "
          "not quote you at all, and whether photos of you may be taken. Before the report is "
          "issued, the secretariat checks it against your choice.", ),
        _("Your e-mail address and phone number are used only to organise the meeting and are "
          "erased %(months)d months after the report is issued. Your name is kept after that only "
          "if you agreed to be quoted by name.", months=retention_months()),
        _("You can change your answer until the end of the visit week, and you can ask %(city)s at "
          "any time for a copy of what is held about you or for it to be erased.", city=city),
    ]
