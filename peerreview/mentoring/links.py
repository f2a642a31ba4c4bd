"""Links to many rows of one kind, built at the cost of one.

``url_for`` costs about 25 µs (finding the rule, converting and quoting each value, the URL
defaults); a list of 20 mentorships paid it for every row. A link whose only varying part is an
integer is built once with a marker in its place, and each row's link is the two halves around
the row's number: the same text ``url_for`` gives, since an integer is written as its digits.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

_MARK = 918_273_645  # an integer no row has: it appears once in the built link


def int_link(endpoint: str, name: str, **values) -> Callable[[int], str]:
    """``url_for(endpoint, **{name: n}, **values)`` as a function of ``n`` (an integer)."""
    url = url_for(endpoint, **{name: _MARK}, **values)
    head, mark, tail = url.partition(str(_MARK))
    if not mark or str(_MARK) in tail:  # not the plain digits: let url_for build each one
        return lambda n: url_for(endpoint, **{name: n}, **values)
    return lambda n: f"{head}{int(n)}{tail}"
