"""Rules written once (issue 17 item 4): each is defined in one place and every user reads it there."""

from __future__ import annotations

import datetime as dt

from inspection import cli, contract, export, i18n
from inspection.filters import LEVELS, Filters


def test_the_levels_are_one_list_with_one_label_each():
    assert set(contract.LEVELS.values()) == set(LEVELS)  # every written synonym means one of them
    assert [i18n.value(level, "zh") for level in LEVELS] == ["市级", "县级"]
    assert [i18n.value(level, "en") for level in LEVELS] == ["Municipal", "County"]
    for command in ("metrics", "briefing"):  # the command line offers the same list
        sub = cli.parser()._subparsers._group_actions[0].choices[command]
        assert [tuple(a.choices) for a in sub._actions if a.dest == "level"] == [LEVELS]
    as_of = dt.date(2020, 12, 31)
    assert export.file_name("x", as_of, Filters(levels=("county",), as_of=as_of)) == "x_2020-12-31_县级.pptx"
