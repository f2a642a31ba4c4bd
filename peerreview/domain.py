"""Errors raised by services. Views turn them into messages; nothing is committed."""

from __future__ import annotations


class DomainError(Exception):
    """An action the rules forbid, or input that cannot be accepted.

    ``field`` names the form field the message belongs next to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The action is not allowed in the current state of the object, or not to this person.

    A refusal is audited like a denied page: the request notes it here, and after the
    response is made (web.py) one "access.refused" entry records the path and the message.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, field)
        from flask import g, has_request_context

        if has_request_context():
            g.setdefault("refusals", []).append(message)


class Conflict(DomainError):
    """Someone else changed the object since the form was loaded."""

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current
