"""A link made in one language opened in the other: the level, mode and unit-type filters keep their
choice (their widgets keep the shown labels in the URL, 市级 or Municipal), as do the codes."""

from __future__ import annotations

import pytest

LINKS = [
    ({"level": "Municipal"}, "levels", ("municipal",)),            # an English link opened in Chinese
    ({"level": "市级", "lang": "en"}, "levels", ("municipal",)),    # a Chinese link opened in English
    ({"level": "municipal", "lang": "en"}, "levels", ("municipal",)),  # the code
    ({"level": "市级"}, "levels", ("municipal",)),                  # the same language, as before
    ({"mode": "专项", "lang": "en"}, "modes", ("专项",)),
    ({"unit_type": "社区", "lang": "en"}, "unit_types", ("社区",)),
    ({"level": "nonsense"}, "levels", ()),                          # unknown: dropped, as before
]


@pytest.mark.parametrize(("query", "field", "chosen"), LINKS, ids=lambda v: repr(v) if isinstance(v, dict) else "")
def test_a_link_keeps_its_filters_in_the_other_language(make_app, demo_db, query, field, chosen):
    from ui.sidebar import FILTERS_KEY

    at = make_app(demo_db, query=query)
    assert not at.exception, [e.value for e in at.exception]
    assert getattr(at.session_state[FILTERS_KEY], field) == chosen
