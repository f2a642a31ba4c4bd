"""Loads the demo network. Idempotent: everything is looked up by its natural key first."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from peerreview.auth import services as accounts
from peerreview.auth.models import User
from peerreview.cities import services as city_services
from peerreview.cities.models import City
from peerreview.demo import data
from peerreview.extensions import db

DEMO_PASSWORD = "demo-password-2026"


class Tally:
    def __init__(self):
        self.created = 0
        self.existing = 0
        self.logins: list[tuple[str, str]] = []

    def seen(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.existing += 1


def load_cities(tally: Tally) -> dict[str, City]:
    cities = {}
    for name, country, tz, signed, about in data.CITIES:
        city = db.session.scalar(select(City).where(City.name == name, City.country == country))
        tally.seen(city is None)
        if city is None:
            city = city_services.create_city(
                name=name, country=country, timezone=tz, description=about,
                charter_signed_on=date.fromisoformat(signed) if signed else None)
        cities[name] = city
    return cities


def load_people(tally: Tally, cities: dict[str, City]) -> dict[str, User]:
    people = {}
    for key, name, local, city_name, role, coordinator, languages in data.PEOPLE:
        email = f"{local}@{data.DEMO_DOMAIN}"
        user = accounts.find_user_by_email(email)
        tally.seen(user is None)
        if user is None:
            user = accounts.create_user(
                email=email, name=name, city=cities.get(city_name) if city_name else None,
                city_role=role, is_coordinator=coordinator, languages=languages,
                password=DEMO_PASSWORD)
        people[key] = user
        tally.logins.append((data.ROLE_LABELS.get(key, key), email))
    return people


def load_framework(tally: Tally) -> None:
    from peerreview.framework import io

    result = io.import_framework(io.load_default(), source="default framework")
    tally.created += result.created
    tally.existing += len(result.themes_unchanged) + len(result.benchmarks_unchanged)


def load() -> dict:
    from peerreview.demo.barcelona import load_barcelona
    from peerreview.demo.matching import load_matching
    from peerreview.demo.mentoring import load_mentoring
    from peerreview.demo.people import load_visit_people
    from peerreview.demo.reports import load_reports
    from peerreview.demo.reviews import load_reviews
    from peerreview.demo.tasks import load_tasks

    tally = Tally()
    cities = load_cities(tally)
    people = load_people(tally, cities)
    load_framework(tally)
    reviews = load_reviews(tally, cities, people)
    load_visit_people(tally, people, reviews)
    load_reports(tally, people, reviews)
    load_barcelona(tally, people, reviews)
    from peerreview.demo.library import load_library

    load_library(tally, people, cities)
    load_matching(tally, people, cities=cities)
    load_tasks(tally, people)
    load_mentoring(tally, people, cities)
    db.session.flush()
    return {"created": tally.created, "existing": tally.existing, "logins": tally.logins}
