"""Access-matrix rows for My tasks and the notification preferences: everyone logged in has
their own; nobody reaches anyone else's (the pages take no id)."""

from __future__ import annotations

from tests.access import OK, Route, roles

ROUTES = [
    Route("deadlines.tasks", "GET", lambda w: "/tasks", roles(OK)),
    Route("deadlines.preferences", "GET", lambda w: "/account/notifications", roles(OK)),
    Route("deadlines.preferences", "POST", lambda w: "/account/notifications", roles(OK),
          data=lambda w: {"kind_review__self_assessment": "weekly", "kind_review__updates": "off"}),
]
