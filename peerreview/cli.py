"""Command-line interface. Thin: parse, call a service, commit, print one clear line."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.i18n import gettext as _

demo_cli = AppGroup("demo", help="The demo network.")
users_cli = AppGroup("users", help="People and accounts.")


def fail(message: str) -> None:
    db.session.rollback()
    click.echo(_("Error: %(message)s", message=message), err=True)
    sys.exit(1)


@demo_cli.command("load")
def demo_load():
    """Load the demo network (running it again changes nothing)."""
    from peerreview.demo.services import DEMO_PASSWORD, load

    try:
        summary = load()
    except DomainError as exc:
        fail(exc.message)
    db.session.commit()
    click.echo(_("Demo network ready: %(created)s things created, %(existing)s already there.",
                 created=summary["created"], existing=summary["existing"]))
    click.echo(_("Demo logins (password for all: %(password)s):", password=DEMO_PASSWORD))
    width = max((len(role) for role, _email in summary["logins"]), default=0)
    for role, email in summary["logins"]:
        click.echo(f"  {role:<{width}}  {email}")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--city", "city_ref", default=None, help='City id, "Name" or "Name, CC".')
@click.option("--contact", is_flag=True, help="Make the person their city's contact.")
@click.option("--coordinator", is_flag=True, help="Network secretariat: sees everything.")
@click.option("--language", "languages", multiple=True, help="ISO 639-1 code, repeatable.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input "
              "instead of printing a link to set it.")
def users_create(email, name, city_ref, contact, coordinator, languages, password_stdin):
    """Create an account and print a link to set its password."""
    from peerreview.auth import services as accounts
    from peerreview.cities.services import find_city
    from peerreview.urls import absolute_url

    city = None
    if city_ref:
        city = find_city(city_ref)
        if city is None:
            fail(_("Unknown city %(city)s. Use its id, its name, or \"Name, CC\".", city=repr(city_ref)))
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        user = accounts.create_user(
            email=email, name=name, city=city, city_role="contact" if contact else "member",
            is_coordinator=coordinator, languages=list(languages), password=password)
        link = None if password else absolute_url(
            "auth.accept_invitation", token=accounts.issue_token(user, "invite"))
    except DomainError as exc:
        fail(exc.message)
    db.session.commit()
    click.echo(_("Created %(email)s (id %(id)s).", email=user.email, id=user.id))
    if link:
        click.echo(_("Set the password within 7 days at: %(link)s", link=link))


def register_cli(app: Flask) -> None:
    from peerreview.deadlines.cli import reminders_cli
    from peerreview.framework.cli import framework_cli
    from peerreview.jobs.cli import jobs_cli
    from peerreview.matching.cli import match_command
    from peerreview.notifications.cli import mail_cli
    from peerreview.people.cli import retention_cli
    from peerreview.reports.cli import report_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(framework_cli)
    app.cli.add_command(match_command)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(retention_cli)
