from __future__ import annotations

from datetime import date
from zoneinfo import available_timezones

from sqlalchemy import func, select

from peerreview.audit.services import diff, record
from peerreview.cities.models import City
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.forms_common import is_country_code
from peerreview.i18n import gettext as _


def _check(name: str, country: str, timezone: str, exclude_id: int | None = None) -> tuple[str, str]:
    name = (name or "").strip()
    country = (country or "").strip().upper()
    if not name:
        raise DomainError(_("Give the city's name."), field="name")
    if len(name) > 120:
        raise DomainError(_("The name is longer than 120 characters."), field="name")
    if not is_country_code(country):
        raise DomainError(_("Choose a country (ISO 3166-1 two-letter code)."), field="country")
    if timezone not in available_timezones():
        raise DomainError(_("Unknown time zone %(zone)s.", zone=repr(timezone)), field="timezone")
    stmt = select(City.id).where(func.lower(City.name) == name.lower(), City.country == country)
    if exclude_id is not None:
        stmt = stmt.where(City.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise DomainError(_("%(city)s (%(country)s) is already a member city.", city=name, country=country), field="name")
    return name, country


def find_city(ref: str) -> City | None:
    """A city by id, by "Name", or by "Name, CC"."""
    ref = (ref or "").strip()
    if ref.isdigit():
        return db.session.get(City, int(ref))
    name, _, country = ref.partition(",")
    stmt = select(City).where(func.lower(City.name) == name.strip().lower())
    if country.strip():
        stmt = stmt.where(City.country == country.strip().upper())
    found = db.session.scalars(stmt).all()
    return found[0] if len(found) == 1 else None


def create_city(*, name: str, country: str, charter_signed_on: date | None = None,
                timezone: str = "Europe/Brussels", description: str = "", actor=None) -> City:
    name, country = _check(name, country, timezone)
    city = City(name=name, country=country, charter_signed_on=charter_signed_on,
                timezone=timezone, description=(description or "").strip())
    db.session.add(city)
    db.session.flush()
    record("city.create", city, actor=actor, changes={"name": name, "country": country})
    return city


def update_city(city: City, values: dict, *, actor=None) -> dict:
    values = dict(values)
    if "description" in values:
        values["description"] = (values["description"] or "").strip()
    name, country = _check(values.get("name", city.name), values.get("country", city.country),
                           values.get("timezone", city.timezone), exclude_id=city.id)
    if "name" in values:
        values["name"] = name
    if "country" in values:
        values["country"] = country
    changes = diff(city, values)
    if changes:
        record("city.update", city, actor=actor, changes=changes)
    return changes
