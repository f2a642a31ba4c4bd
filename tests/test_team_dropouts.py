"""A peer who cannot take part, and the peer who replaces them, in every state up to the end of
the visit week: each path ends on a page the person may use, and the history says what happened."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from peerreview.extensions import db
from peerreview.matching.models import PeerExpertise, PeerProfile
from peerreview.reviews.models import Review, ReviewEvent, TeamMember


@pytest.fixture
def team(make_city, make_user, make_review, make_benchmark, today):
    """A review in Milan with an accepted team of three (a lead, a rapporteur and a peer) and
    two more peers in the pool."""

    def build(state: str, visit_start: date | None = None):
        milan = make_city("Milan", "IT", timezone="Europe/Rome")
        bench = make_benchmark("Diversity in administration")
        review = make_review(state, host=milan, benchmark=bench,
                             visit_start=visit_start or today + timedelta(days=40),
                             team_min=3, team_max=3, min_countries=2)
        peers = {}
        for name, city, country, level, trained in [
            ("Anna Hofer", "Vienna", "AT", "expert", True), ("Clara Berg", "Gothenburg", "SE", "some", True),
            ("Dirk Weber", "Munich", "DE", "some", False), ("Bruno Silva", "Lisbon", "PT", "expert", False),
            ("Eeva Laine", "Helsinki", "FI", None, False),
        ]:
            user = make_user(name, city=make_city(city, country), languages=["en"])
            profile = PeerProfile(user=user, trained=trained, max_reviews_per_year=4)
            if level:
                profile.expertise.append(PeerExpertise(theme_id=bench.theme_id, level=level))
            db.session.add(profile)
            peers[name.split()[0].lower()] = user
        for key, role in (("anna", "lead"), ("clara", "rapporteur"), ("dirk", "peer")):
            db.session.add(TeamMember(review=review, user=peers[key], role=role, status="accepted"))
        db.session.commit()
        return {"review": review, "peers": peers,
                "coordinator": make_user("Hanna Coordinator", coordinator=True),
                "contact": make_user("Paolo Ricci", city=milan, city_role="contact")}

    return build


def _seat(review, user) -> TeamMember:
    db.session.expire_all()
    return db.session.scalar(select(TeamMember).where(TeamMember.review_id == review.id,
                                                      TeamMember.user_id == user.id))


def _history(review) -> list[str]:
    db.session.expire_all()
    return [e.note for e in db.session.scalars(select(ReviewEvent).where(ReviewEvent.review_id == review.id)
                                               .order_by(ReviewEvent.id))]


def test_an_invited_peer_declines_with_a_reason_and_lands_on_a_page_they_may_see(
        client, login, team, outbox):
    t = team("team_forming")
    review, eeva = t["review"], t["peers"]["eeva"]
    seat = TeamMember(review=review, user=eeva, role="peer", status="invited")
    db.session.add(seat)
    db.session.commit()
    login(eeva)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "I cannot take part" in page and f'id="decline-reason-{seat.id}"' in page

    res = client.post(f"/reviews/{review.id}/team/{seat.id}/decline",
                      data={"reason": "Our council meets that week."}, follow_redirects=True)
    assert res.status_code == 200 and res.request.path == "/tasks"
    text = res.get_data(as_text=True)
    assert "The secretariat now knows that you cannot take part in Milan" in text
    assert client.get(f"/reviews/{review.id}").status_code == 403  # the review is no longer theirs
    assert (_seat(review, eeva).status, _seat(review, eeva).reason) == ("declined", "Our council meets that week.")

    mails = [m for m in outbox() if m["To"] == t["coordinator"].email]
    assert len(mails) == 1 and "Eeva Laine cannot take part" in mails[0]["Subject"]
    assert "Our council meets that week." in mails[0].get_content()
    assert "Eeva Laine cannot take part" in _history(review)
    # the reason stays with the secretariat: the host city's page does not show it
    login(t["contact"])
    assert "Our council meets" not in client.get(f"/reviews/{review.id}").get_data(as_text=True)
    login(t["coordinator"])
    assert "Our council meets that week." in client.get(f"/reviews/{review.id}/team/manage").get_data(as_text=True)


@pytest.mark.parametrize("state", ["preparing", "visit"])
def test_a_peer_who_drops_out_is_replaced_with_the_matchers_proposal(client, login, team, outbox, state, today):
    t = team(state, visit_start=today - timedelta(days=1) if state == "visit" else None)
    review, peers = t["review"], t["peers"]
    if state == "preparing":
        # before the visit week, the peer says so on the review page
        login(peers["dirk"])
        seat = _seat(review, peers["dirk"])
        res = client.post(f"/reviews/{review.id}/team/{seat.id}/decline", data={"reason": ""},
                          follow_redirects=True)
        assert res.status_code == 200 and res.request.path == "/tasks"
        assert "dropped out of the team" in " ".join(_history(review))
        assert any(m["To"] == t["coordinator"].email and "They gave no reason." in m.get_content()
                   for m in outbox())
    login(t["coordinator"])
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Manage the team" in page
    base = f"/reviews/{review.id}/team"
    if state == "visit":
        # during the visit week the secretariat records it
        seat = _seat(review, peers["dirk"])
        res = client.post(f"{base}/{seat.id}/remove", follow_redirects=True)
        assert res.status_code == 200 and "Dirk Weber is off the team" in res.get_data(as_text=True)
        assert _seat(review, peers["dirk"]).status == "removed"
        assert "Dirk Weber taken off the team" in _history(review)

    page = client.get(f"{base}/manage").get_data(as_text=True)
    assert "Next best replacement" in page and "Bruno Silva" in page
    res = client.post(f"{base}/replace", follow_redirects=True)
    assert res.status_code == 200
    assert _seat(review, peers["bruno"]).status == "proposed"
    assert _seat(review, peers["dirk"]) .status in ("declined", "removed")  # kept on record
    res = client.post(f"{base}/invite", follow_redirects=True)
    assert "Invitations sent to 1 peer: Bruno Silva" in res.get_data(as_text=True)
    assert "Invitations sent to Bruno Silva" in _history(review)
    invitation = [m for m in outbox() if m["To"] == peers["bruno"].email]
    assert len(invitation) == 1 and f"/reviews/{review.id}" in invitation[0].get_content()

    login(peers["bruno"])
    seat = _seat(review, peers["bruno"])
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "I accept" in page
    res = client.post(f"/reviews/{review.id}/team/{seat.id}/accept", follow_redirects=True)
    assert res.status_code == 200 and res.request.path == f"/reviews/{review.id}"
    assert "You are on the team" in res.get_data(as_text=True)
    assert _seat(review, peers["bruno"]).status == "accepted"
    assert "Bruno Silva accepted the invitation to the team" in _history(review)
    assert db.session.get(Review, review.id).state == state


def test_the_team_no_longer_changes_after_the_visit_week(client, login, team, today):
    t = team("reporting", visit_start=today - timedelta(days=10))
    login(t["coordinator"])
    review = t["review"]
    seat = _seat(review, t["peers"]["dirk"])
    res = client.post(f"/reviews/{review.id}/team/{seat.id}/remove", follow_redirects=True)
    assert "The team can change until the end of the visit week" in res.get_data(as_text=True)
    assert _seat(review, t["peers"]["dirk"]).status == "accepted"
    assert "Manage the team" not in client.get(f"/reviews/{review.id}").get_data(as_text=True)
