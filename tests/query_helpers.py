"""Counting the SQL statements one page costs (for the tests that keep a page's count flat as
the data grows)."""

from __future__ import annotations


def statements_for(client, url: str) -> tuple[int, str]:
    """(statements sent to the database, the page's text) for one GET of ``url``, which must
    answer 200."""
    from sqlalchemy import event

    from peerreview.extensions import db

    statements = []

    def listener(*args, **kwargs):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        res = client.get(url)
        assert res.status_code == 200, (url, res.status_code)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements), res.get_data(as_text=True)
