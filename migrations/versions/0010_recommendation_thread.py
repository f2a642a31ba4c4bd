"""recommendation thread: stable recommendation codes, one record of progress, baselines from
reviews, mentors' proposed actions

- report_recommendation: number (R<number>, stable from the first issue), issued_on, done_on
- mentoring_needs: source_review_id; mentoring_needs_entry: from_review
- mentoring_action: proposed_by_id, and the status "proposed"

Existing rows are migrated: recommendations of issued reports get their codes in the order of
the document, version by version (those added for a later version get the next free numbers);
done recommendations get done_on; a recommendation that a mentoring action works on gets the
response "accepted" if it had none, and its progress from its actions; saved action-plan
versions name the recommendation by its code.

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('planned', 'in_progress', 'done', 'dropped')"
NEW_STATUSES = "status IN ('proposed', 'planned', 'in_progress', 'done', 'dropped')"


def upgrade():
    with op.batch_alter_table("report_recommendation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("issued_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("done_on", sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_report_recommendation_report_id_number"),
                                          ["report_id", "number"])
    with op.batch_alter_table("mentoring_needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_review_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_mentoring_needs_source_review_id_review"),
                                    "review", ["source_review_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("mentoring_needs_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_review", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table("mentoring_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_mentoring_action_proposed_by_id_user_account"),
                                    "user_account", ["proposed_by_id"], ["id"], ondelete="SET NULL")
        batch_op.drop_constraint(batch_op.f("ck_mentoring_action_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_mentoring_action_status"), NEW_STATUSES)
    _migrate_rows(op.get_bind())


def downgrade():
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE mentoring_action SET status = 'dropped', "
                         "drop_reason = 'Proposal withdrawn when the application was downgraded.' "
                         "WHERE status = 'proposed'"))
    with op.batch_alter_table("mentoring_action", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_mentoring_action_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_mentoring_action_status"), OLD_STATUSES)
        batch_op.drop_constraint(batch_op.f("fk_mentoring_action_proposed_by_id_user_account"),
                                 type_="foreignkey")
        batch_op.drop_column("proposed_by_id")
    with op.batch_alter_table("mentoring_needs_entry", schema=None) as batch_op:
        batch_op.drop_column("from_review")
    with op.batch_alter_table("mentoring_needs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_mentoring_needs_source_review_id_review"), type_="foreignkey")
        batch_op.drop_column("source_review_id")
    with op.batch_alter_table("report_recommendation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_report_recommendation_report_id_number"), type_="unique")
        batch_op.drop_column("done_on")
        batch_op.drop_column("issued_on")
        batch_op.drop_column("number")


# --- existing rows ---------------------------------------------------------------------------

def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()


def _moment(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _migrate_rows(bind) -> None:
    codes = _number_recommendations(bind)
    bind.execute(sa.text("UPDATE report_recommendation SET done_on = progress_on "
                         "WHERE progress = 'done' AND done_on IS NULL"))
    _progress_from_actions(bind, codes)
    _plan_version_sources(bind, codes)


def _number_recommendations(bind) -> dict[int, str]:
    """R1, R2 ... in document order, version by version; returns {recommendation id: code}."""
    versions: dict[int, list[tuple[int, datetime]]] = {}
    for report_id, number, issued_at in bind.execute(sa.text(
            "SELECT report_id, number, issued_at FROM report_version ORDER BY report_id, number")):
        versions.setdefault(report_id, []).append((number, _moment(issued_at)))
    if not versions:
        return {}
    recs: dict[int, list[tuple]] = {}
    for rec_id, report_id, position, created_at, kf_position in bind.execute(sa.text(
            "SELECT r.id, r.report_id, r.position, r.created_at, k.position "
            "FROM report_recommendation r JOIN key_factor k ON k.id = r.key_factor_id")):
        recs.setdefault(report_id, []).append((kf_position, position, rec_id, _moment(created_at)))
    codes: dict[int, str] = {}
    for report_id, issued in versions.items():
        rows = sorted(recs.get(report_id, []))
        taken = 0
        for _number, issued_at in issued:
            for _kf_position, _position, rec_id, created_at in rows:
                if rec_id in codes:
                    continue
                if created_at is not None and issued_at is not None and created_at > issued_at:
                    continue   # added after this version: it comes with a later one
                taken += 1
                codes[rec_id] = f"R{taken}"
                bind.execute(sa.text("UPDATE report_recommendation SET number = :n, issued_on = :d "
                                     "WHERE id = :id"),
                             {"n": taken, "d": _day(issued_at), "id": rec_id})
    return codes


def _progress_from_actions(bind, codes: dict[int, str]) -> None:
    """A recommendation worked on by mentoring actions takes its progress from them."""
    actions: dict[int, list] = {}
    for row in bind.execute(sa.text(
            "SELECT id, recommendation_id, number, status, done_on, created_at, created_by_id "
            "FROM mentoring_action WHERE recommendation_id IS NOT NULL ORDER BY number")).mappings():
        actions.setdefault(row["recommendation_id"], []).append(dict(row))
    if not actions:
        return
    last_update = dict(bind.execute(sa.text(
        "SELECT action_id, MAX(on_date) FROM mentoring_action_update GROUP BY action_id")).all())
    for rec_id, items in actions.items():
        rec = bind.execute(sa.text("SELECT response, progress FROM report_recommendation WHERE id = :id"),
                           {"id": rec_id}).mappings().first()
        if rec is None:
            continue
        first = min(items, key=lambda a: _moment(a["created_at"]) or datetime.min)
        created = _moment(first["created_at"]) or datetime.now()
        response = rec["response"]
        if response is None:
            response = "accepted"
            bind.execute(sa.text("UPDATE report_recommendation SET response = 'accepted', "
                                 "responded_at = :at, progress = COALESCE(progress, 'not_started') "
                                 "WHERE id = :id"), {"at": created, "id": rec_id})
            bind.execute(sa.text(
                "INSERT INTO report_recommendation_update (recommendation_id, kind, status, note, "
                "on_date, author_id, created_at) VALUES (:rec, 'response', 'accepted', :note, :on, "
                ":author, :at)"),
                {"rec": rec_id, "note": f"Taken into a mentoring action plan as A{first['number']}.",
                 "on": created.date(), "author": first["created_by_id"], "at": created})
        if response == "not_accepted":
            continue
        active = [a for a in items if a["status"] != "dropped"]
        if not active:
            continue
        statuses = {a["status"] for a in active}
        progress = ("done" if statuses == {"done"} else
                    "in_progress" if statuses & {"in_progress", "done"} else "not_started")
        dates = [_day(last_update.get(a["id"])) or _moment(a["created_at"]).date() for a in active]
        on = max(d for d in dates if d is not None)
        done_on = max(_day(a["done_on"]) or on for a in active) if progress == "done" else None
        if progress != rec["progress"]:
            lead = min(active, key=lambda a: a["number"])
            note = f"Follows mentoring action A{lead['number']}."
            bind.execute(sa.text("UPDATE report_recommendation SET progress = :p, progress_on = :on, "
                                 "progress_note = :note, done_on = :done WHERE id = :id"),
                         {"p": progress, "on": on, "note": note, "done": done_on, "id": rec_id})
            bind.execute(sa.text(
                "INSERT INTO report_recommendation_update (recommendation_id, kind, status, note, "
                "on_date, author_id, created_at) VALUES (:rec, 'progress', :p, :note, :on, NULL, :at)"),
                {"rec": rec_id, "p": progress, "note": note, "on": on, "at": datetime.now()})


def _plan_version_sources(bind, codes: dict[int, str]) -> None:
    """Saved plan versions said "recommendation 3" (the order of entry): name the code instead."""
    import json

    rows = bind.execute(sa.text(
        "SELECT a.mentorship_id, a.number, a.recommendation_id, c.name, t.name "
        "FROM mentoring_action a JOIN report_recommendation r ON r.id = a.recommendation_id "
        "JOIN report p ON p.id = r.report_id JOIN review v ON v.id = p.review_id "
        "JOIN city c ON c.id = v.host_city_id JOIN benchmark b ON b.id = v.benchmark_id "
        "JOIN theme t ON t.id = b.theme_id")).all()
    sources = {(m, f"A{n}"): f"Peer review of {city} ({theme}), {codes[rec]}"
               for m, n, rec, city, theme in rows if rec in codes}
    if not sources:
        return
    mentorships = {m for m, _ in sources}
    for version_id, mentorship_id, snapshot in bind.execute(sa.text(
            "SELECT id, mentorship_id, snapshot FROM mentoring_plan_version")).all():
        if mentorship_id not in mentorships:
            continue
        items = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
        changed = False
        for item in items or []:
            new = sources.get((mentorship_id, item.get("code")))
            if new and item.get("source") != new:
                item["source"], changed = new, True
        if changed:
            bind.execute(sa.text("UPDATE mentoring_plan_version SET snapshot = :s WHERE id = :id")
                         .bindparams(sa.bindparam("s", type_=sa.JSON)),
                         {"s": items, "id": version_id})
