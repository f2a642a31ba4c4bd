"""The audit log records changes and refusals, and coordinators can filter it."""

from __future__ import annotations

from peerreview.audit.services import record
from peerreview.extensions import db


def test_audit_log_lists_and_filters(client, login, make_user, make_city):
    coordinator = make_user("Coordinator Carla", coordinator=True)
    city = make_city("Oslo", "NO", timezone="Europe/Oslo")
    record("city.update", city, actor=coordinator, changes={"description": ["", "fjord"]})
    record("user.invite", object_type="user_account", object_id=99, actor=coordinator,
           changes={"email": "x@example.org"})
    db.session.commit()
    login(coordinator)
    all_entries = client.get("/audit/").get_data(as_text=True)
    assert "city.update" in all_entries and "user.invite" in all_entries
    assert "Coordinator Carla" in all_entries
    only_cities = client.get("/audit/?action=city.").get_data(as_text=True)
    assert "city.update" in only_cities and "user.invite" not in only_cities
    by_object = client.get(f"/audit/?object_type=city&object_id={city.id}").get_data(as_text=True)
    assert "fjord" in by_object
    nothing = client.get("/audit/?from=2001-01-01&to=2001-01-02").get_data(as_text=True)
    assert "No entries match these filters." in nothing


def test_bad_filter_values_do_not_break_the_page(client, login, make_user):
    login(make_user(coordinator=True))
    res = client.get("/audit/?from=not-a-date&actor=abc&page=-3&object_id=zz")
    assert res.status_code == 200


def test_a_refusal_is_recorded_while_another_request_writes(app, client, login, make_user, make_city):
    """A denied GET writes its audit entry even when another request commits a write between
    the denied request's first read and its insert (on SQLite the denial's transaction must
    begin as a write, or the insert fails with "database is locked" and the user gets a 500)."""
    import threading

    from sqlalchemy import event, func, select, text

    from peerreview.audit.models import AuditEntry

    city = make_city("Oslo", "NO", timezone="Europe/Oslo")
    login(make_user("Member Mia", city=city))
    city_id, engine = city.id, db.engine
    other = {}

    def other_request_writes():
        with engine.begin() as conn:
            conn.execute(text("UPDATE city SET description = 'changed meanwhile' WHERE id = :id"),
                         {"id": city_id})
        other["done"] = True

    def before_insert(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_ENTRY") and "thread" not in other:
            other["thread"] = threading.Thread(target=other_request_writes)
            other["thread"].start()
            other["thread"].join(timeout=1.0)   # blocks while the denial holds the write lock

    event.listen(engine, "before_cursor_execute", before_insert)
    try:
        res = client.get("/people")              # members may not list people: a denial
    finally:
        event.remove(engine, "before_cursor_execute", before_insert)
        if "thread" in other:
            other["thread"].join(timeout=30)
    assert res.status_code == 403
    assert other.get("done"), "the other request's write was lost"
    denied = db.session.scalar(select(func.count()).select_from(AuditEntry)
                               .where(AuditEntry.action == "access.denied"))
    assert denied == 1
