"""Every file the application hands out downloads for a city named in any script, with a
bidirectional override in its name: headers a WSGI server accepts (Latin-1), the name in
RFC 6266/5987 form, and no bidirectional controls in file names or e-mail subjects."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from peerreview.extensions import db
from tests.access_world import login_as, matrix_client, matrix_world  # noqa: F401  (fixture)
from tests.test_access_matrix import MATRIX

CITY = "Łódź \u202e Ω"
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# the file routes of the application; every one must be among the downloads below
DOWNLOADS = {
    "observations.export_csv", "observations.export_xlsx", "reports.download", "reports.draft_pdf",
    "mentoring.report_pdf", "programme.review_ics", "reviews.document", "assessment.download",
    "observations.file", "framework.export", "auth.my_data", "reports.follow_up_csv",
    "followup.figures_csv", "followup.city_figures_csv",
}
# downloads named after the host or implementing city
NAMED_AFTER_THE_CITY = {"observations.export_csv", "observations.export_xlsx", "reports.download",
                        "reports.draft_pdf", "mentoring.report_pdf"}
ROLES_TO_TRY = ("coordinator", "host_contact", "peer_on_team", "mentor", "mentee", "host_member")


def _filename_star(disposition: str) -> str | None:
    match = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
    return unquote(match.group(1)) if match else None


def _rename_cities(app):
    from peerreview.cities.models import City

    with app.app_context():
        taken = set()
        for city in db.session.scalars(select(City).order_by(City.id)):
            city.name = CITY if city.country not in taken else f"{CITY} {city.id}"
            taken.add(city.country)
        db.session.commit()


def _get(app, client, url):
    """A download; a PDF still being made is made by the worker, and asked for again."""
    from peerreview.jobs import worker

    res = client.get(url)
    if res.status_code == 202:
        worker.run_pending(app)
        res = client.get(url)
    return res


def test_every_download_works_for_a_city_named_lodz(_app, matrix_world):
    w = matrix_world
    downloads = {}
    with matrix_client(_app, w) as (client, _):
        _rename_cities(_app)
        for route in MATRIX:
            # (a PDF job's status page: the jobs run above may have finished and cleared it)
            if route.method != "GET" or route.endpoint.startswith("jobs."):
                continue
            role = next((r for r in ROLES_TO_TRY if route.expect[r] == "ok"), None)
            if role is None:
                continue
            login_as(client, w, role, fresh=True)
            res = _get(_app, client, route.url(w))
            assert res.status_code < 400, f"{route.endpoint} as {role}: {res.status_code}"
            for key, value in res.headers.items():
                # what PEP 3333 and gunicorn require of every header
                value.encode("latin-1")
                assert "\n" not in value and "\r" not in value, (route.endpoint, key)
            disposition = res.headers.get("Content-Disposition")
            if disposition is None:
                continue
            assert disposition.split(";")[0] in ("attachment", "inline")
            simple = re.search(r'filename="?([^";]+)"?', disposition).group(1)
            name = _filename_star(disposition) or simple
            assert not BIDI.search(name) and not BIDI.search(simple), (route.endpoint, disposition)
            assert "/" not in name and "\\" not in name
            assert res.get_data(), route.endpoint
            downloads[route.endpoint] = name

    assert DOWNLOADS <= set(downloads), f"missing downloads: {DOWNLOADS - set(downloads)}"
    for endpoint in NAMED_AFTER_THE_CITY:
        assert "łódź" in downloads[endpoint] and "ω" in downloads[endpoint], downloads[endpoint]
    assert downloads["observations.export_csv"].startswith("observations-łódź-ω-")


def test_a_download_name_is_offered_in_both_forms(_app, matrix_world):
    w = matrix_world
    with matrix_client(_app, w) as (client, _):
        _rename_cities(_app)
        login_as(client, w, "coordinator")
        review_id = int(re.search(r"/reviews/(\d+)/observations/export.csv",
                                  next(r.url(w) for r in MATRIX
                                       if r.endpoint == "observations.export_csv")).group(1))
        res = client.get(f"/reviews/{review_id}/observations/export.csv")
    disposition = res.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename=')
    # "łódź-ω": lower case, the override gone
    assert f"filename*=UTF-8''observations-%C5%82%C3%B3d%C5%BA-%CF%89-{review_id}.csv" in disposition
    assert res.headers["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("given, offered", [
    ("Łódź \u202e Ω.pdf", "Łódź Ω.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("../../etc/passwd", "etc-passwd"),
    ("a\x00b\r\nc.csv", "a b c.csv"),
    ("\u2067\u2069", "download"),
    ("x" * 300 + ".xlsx", "x" * 115 + ".xlsx"),
])
def test_safe_filename(given, offered):
    from peerreview.text import safe_filename

    assert safe_filename(given) == offered


def test_bidirectional_controls_never_reach_an_email_subject(app, db_session, make_user, make_review,
                                                             make_city, outbox):
    from peerreview.notifications.queue import queue_mail

    user = make_user()
    review = make_review("accepted", host=make_city(CITY, "PL"))
    queue_mail(user.email, "review_state", user=user, review=review, actor=None,
               before="Requested", after="Accepted", reason="", link="http://localhost/x")
    db.session.commit()
    [message] = outbox()
    assert message["Subject"].startswith("Łódź Ω: ")
    assert not BIDI.search(message["Subject"])
