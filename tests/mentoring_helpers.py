"""A mentoring world for the mentoring tests: one scheme, Vienna mentoring Riga and Athens."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from types import SimpleNamespace

import pytest


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        from tests.conftest import skip_or_fail

        skip_or_fail("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


@pytest.fixture
def mw(db_session, make_city, make_user, make_benchmark):
    from peerreview.mentoring import services
    bench = make_benchmark("Introductory courses", key_factors=4)
    vienna = make_city("Vienna", "AT", timezone="Europe/Vienna")
    riga = make_city("Riga", "LV", timezone="Europe/Riga")
    athens = make_city("Athens", "GR", timezone="Europe/Athens")
    genoa = make_city("Genoa", "IT", timezone="Europe/Rome")
    coordinator = make_user("Coord Inator", coordinator=True)
    mentor = make_user("Mira Mentor", city=vienna)
    mentee_riga = make_user("Liga Mentee", city=riga)
    mentee_athens = make_user("Nikos Mentee", city=athens)
    riga_member = make_user("Riga Bystander", city=riga)
    vienna_member = make_user("Vienna Bystander", city=vienna)
    outsider = make_user("Genoa Contact", city=genoa, city_role="contact")
    today = date.today()
    scheme = services.create_scheme(
        theme=bench.theme, values={"name": "Language pathways", "starts_on": today - timedelta(days=120),
                                   "ends_on": today + timedelta(days=240), "description": ""},
        mentor_city_ids=[vienna.id], implementing_city_ids=[riga.id, athens.id], actor=coordinator)
    out = {}
    for city, mentee in ((riga, mentee_riga), (athens, mentee_athens)):
        m = services.create_mentorship(scheme, implementing_city_id=city.id, people=services.People(
            [vienna.id], [mentor.id], [mentee.id]), actor=coordinator)
        services.transition(m, "start", on=today, actor=coordinator)
        out[city.name] = m
    db_session.commit()
    for m in out.values():    # pretend the pairing happened a while ago
        m.proposed_on = m.started_on = today - timedelta(days=100)
        for e in m.events:
            e.at = e.at - timedelta(days=100)
    db_session.commit()
    return SimpleNamespace(
        bench=bench, kfs=list(bench.key_factors), scheme=scheme, riga=out["Riga"], athens=out["Athens"],
        vienna=vienna, riga_city=riga, athens_city=athens, coordinator=coordinator, mentor=mentor,
        mentee=mentee_riga, mentee_athens=mentee_athens, riga_member=riga_member,
        vienna_member=vienna_member, outsider=outsider, today=today)


def baseline(mw, m=None, ratings=("1", "0", "2", "1"), *, days_ago=90):
    """Record the needs assessment of ``m`` (Riga by default) through the service."""
    from peerreview.extensions import db
    from peerreview.mentoring import services

    m = m or mw.riga
    services.save_needs(m, entries=[services.NeedsInput(kf.id, r, f"Narrative {kf.code}", "")
                                    for kf, r in zip(mw.kfs, ratings, strict=True)],
                        goals="Reach newcomers early.", assessed_on=mw.today - timedelta(days=days_ago),
                        version=None, actor=mw.mentee)
    db.session.commit()
