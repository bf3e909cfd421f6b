"""The date reader that W405 is built on, and the text checks' cost on hostile text."""

from __future__ import annotations

import time
from datetime import date

import pytest

from shingikai.lint.config import DEFAULT
from shingikai.lint.pipeline import Job, lint_file
from shingikai.lint.suppression import Selection
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


@pytest.mark.parametrize(
    "text",
    [
        "令和3年12月14日～" * 5_000,  # ranges one after another
        "1" * 200_000,  # digits where every form could start
        "調布" * 40_000 + "個人情報保護条例" * 5_000,  # a long run of ideographs before many ordinance names
        "条例第1" * 30_000,  # the start of a citation, again and again
        "R5.2." * 20_000 + "記入してください「" * 5_000,
        "転出した場合は通知しない" * 10_000,  # conditions, each read back to its clause
    ],
)
def test_the_text_checks_stay_linear_on_hostile_text(tmp_path, text):
    path = tmp_path / "case.yaml"
    path.write_text(f"version: 1\nsummary: '{text}'\nexternal_provision:\n  notice:\n    given: 有\n    method: '{text}'\n", encoding="utf-8")
    assert path.stat().st_size < 1024 * 1024  # linted, not refused as too large (E106)
    started = time.perf_counter()
    result = lint_file(Job(str(path), DEFAULT, Selection.of(DEFAULT, None, [])))
    # Linear is a fraction of a second for these; quadratic would take many minutes.
    assert time.perf_counter() - started < 10
    assert result.error is None
    assert "E106" not in {finding.code for finding in result.findings}
