"""The date reader that W405 is built on: dates in running text, resolved."""

from __future__ import annotations

from datetime import date

import pytest

from shingikai.model.eras import DateMention, dates


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("令和4年1月18日～", [(date(2022, 1, 18), date(2022, 1, 18), "day")]),
        ("令和4年11月（予定）", [(date(2022, 11, 1), date(2022, 11, 30), "month")]),
        ("令和元年度", [(date(2019, 4, 1), date(2020, 3, 31), "year")]),
        ("令和元年", [(date(2019, 5, 1), date(2019, 12, 31), "year")]),
        ("R5.2.28、2026年1月6日", [(date(2023, 2, 28), date(2023, 2, 28), "day"), (date(2026, 1, 6), date(2026, 1, 6), "day")]),
        ("令和4年1月24日から12月31日まで", [(date(2022, 1, 24), date(2022, 1, 24), "day"), (date(2022, 12, 31), date(2022, 12, 31), "day")]),
        ("令和３年２月３０日、毎年4～6月", []),
    ],
)
def test_dates_are_resolved_with_their_precision(text, found):
    assert [(m.first, m.last, m.precision) for m in dates(text)] == found


def test_a_mention_knows_its_characters():
    [mention] = dates("実施は令和4年1月18日（火）から")
    assert mention == DateMention(3, 15, date(2022, 1, 18), date(2022, 1, 18), "day")
