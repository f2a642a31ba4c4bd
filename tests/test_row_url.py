"""Links repeated per row are built from a remembered pattern: they must be exactly url_for's."""

import pytest
from flask import url_for

from peerreview.urls import row_url


@pytest.mark.parametrize("endpoint,values", [
    ("auth.deactivate", {"user_id": 7}),
    ("cities.show", {"city_id": 12}),
    ("reviews.show", {"review_id": 5}),
    ("library.report", {"review_id": 3}),
    ("auth.people", {"page": 2}),                     # a query string, not a path segment
    ("library.report", {"review_id": 3, "_anchor": "R1"}),
    ("cities.show", {"city_id": "12"}),
])
def test_same_link_as_url_for(app, endpoint, values):
    with app.test_request_context("/"):
        for _ in range(2):                            # built, then from the remembered pattern
            assert row_url(endpoint, **values) == url_for(endpoint, **values)
        other = {k: (v + 1 if type(v) is int else v) for k, v in values.items()}
        assert row_url(endpoint, **other) == url_for(endpoint, **other)


def test_under_a_prefix(app):
    with app.test_request_context("/", base_url="http://localhost/network/"):
        assert row_url("cities.show", city_id=4) == url_for("cities.show", city_id=4) == "/network/cities/4"


def _sample_values(rule) -> dict:
    out = {}
    for name, conv in rule._converters.items():
        kind = type(conv).__name__
        out[name] = (3 if kind in ("IntegerConverter", "NumberConverter")
                     else sorted(conv.items)[0] if kind == "AnyConverter" else "a-b")
    return out


def test_every_route_links_as_url_for_from_the_remembered_links(app):
    """The layout's and the menu's links are remembered by the process: the same text as
    url_for for every route of the application, with and without query values."""
    from peerreview.urls import remembered_url_for

    with app.test_request_context("/"):
        checked = 0
        for rule in app.url_map.iter_rules():
            values = _sample_values(rule)
            if rule.endpoint == "static":
                values = {"filename": "css/app.css"}
            for extra in ({}, {"page": 2, "q": "x y"}):
                for _ in range(2):                     # built, then remembered
                    assert remembered_url_for(rule.endpoint, **values, **extra) == \
                        url_for(rule.endpoint, **values, **extra), rule
            checked += 1
        assert checked > 100
        assert "?v=" in remembered_url_for("static", filename="css/app.css")   # the content's hash


def test_remembered_links_follow_the_prefix_and_the_blueprint(app):
    from peerreview.urls import remembered_url_for

    with app.test_request_context("/"):
        assert remembered_url_for("cities.index") == "/cities/"
    with app.test_request_context("/", base_url="http://localhost/network/"):
        assert remembered_url_for("cities.index") == "/network/cities/"
    with app.test_request_context("/cities/"):
        app.preprocess_request()
        assert remembered_url_for(".index") == url_for("cities.index")
    with app.test_request_context("/reviews/"):
        assert remembered_url_for(".index") == url_for("reviews.index") != "/cities/"
    with app.test_request_context("/"):                # options go to url_for itself
        assert remembered_url_for("cities.index", _external=True) == "http://localhost/cities/"
