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
