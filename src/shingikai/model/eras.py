"""Japanese-era dates in running text: find them, resolve partial ones, judge them."""

import bisect
import calendar
import re
from collections.abc import Iterator, Sequence
from datetime import date
from enum import IntEnum
from typing import Final, NamedTuple


class Era(NamedTuple):
    name: str
    first: date
    last: date | None

    @property
    def last_year(self) -> int | None:
        """The highest year number the era reached (平成31)."""
        return None if self.last is None else self.last.year - self.first.year + 1


ERAS: Final = {
    era.name: era
    for era in (
        Era("明治", date(1868, 1, 25), date(1912, 7, 29)),
        Era("大正", date(1912, 7, 30), date(1926, 12, 24)),
        Era("昭和", date(1926, 12, 25), date(1989, 1, 7)),
        Era("平成", date(1989, 1, 8), date(2019, 4, 30)),
        Era("令和", date(2019, 5, 1), None),
    )
}
# Japan kept the lunisolar calendar until 明治5年12月2日: days of 明治1–5 are not Gregorian.
_GREGORIAN_FROM: Final = date(1873, 1, 1)
WEEKDAYS: Final = "月火水木金土日"

_NUMBER = r"[0-9０-９]{1,3}"

# Every form starts with one of these characters: a search for them skips the rest of
# the text at C speed, and the date pattern is tried only where one is.
_DATE_START = re.compile(rf"[{''.join(name[0] for name in ERAS)}0-9０-９～〜~か]")
_DATES = re.compile(
    "(?:"
    # 令和3年12月14日（火）, 令和元年度, 平成31年4月
    rf"(?P<era>{'|'.join(ERAS)})\s*(?P<year>元|{_NUMBER})\s*年(?:(?P<fiscal>度)|"
    rf"(?:\s*(?P<month>{_NUMBER})\s*月(?:\s*(?P<day>{_NUMBER})\s*日)?)?)"
    # 12月31日: the year is that of the last full date before it
    rf"|(?<![0-9０-９年])(?P<month2>{_NUMBER})\s*月\s*(?P<day2>{_NUMBER})\s*日"
    # 15日（水）: a day, checked only with its weekday
    rf"|(?<![0-9０-９月])(?P<day3>{_NUMBER})\s*日"
    # the end of a range: ～15日, から15日
    rf"|(?:～|〜|~|から)\s*(?P<day4>{_NUMBER})\s*日)"
    # One weekday group for every form: each copy of this class costs start-up to compile.
    rf"(?:\s*[（(]\s*(?P<weekday>[{WEEKDAYS}])\s*(?:曜日?)?\s*[)）])?"
)


class DateProblem(NamedTuple):
    start: int
    end: int
    message: str


def _number(text: str) -> int:
    # int() reads full-width digits as well.
    return 1 if text == "元" else int(text)


def _dates(text: str) -> Iterator[re.Match[str]]:
    """What `_DATES.finditer(text)` finds, trying the pattern only where a date can start."""
    search, match = _DATE_START.search, _DATES.match
    position = 0
    while (start := search(text, position)) is not None:
        found = match(text, start.start())
        if found is None:
            position = start.start() + 1
        else:
            yield found
            position = found.end()


def date_problems(text: str, starts: Sequence[int] = (0,)) -> Iterator[DateProblem]:
    """Impossible era dates and wrong weekdays in `text`, in order.

    A month-day or a day names the year and month of the last full date before it in
    the same text (「令和3年12月14日から15日まで」); without one it is judged alone.
    `text` may be several texts: `starts` says where each begins.
    """
    era: Era | None = None
    year = month = 0
    segment = 0
    for match in _dates(text):
        current = bisect.bisect_right(starts, match.start())
        if current != segment:
            era, year, month, segment = None, 0, 0, current
        groups = match.groupdict()
        weekday = groups["weekday"]
        if groups["era"]:
            era, year = ERAS[groups["era"]], _number(groups["year"])
            message = _check_year(era, year, fiscal=bool(groups["fiscal"]))
            month = _number(groups["month"]) if groups["month"] else 0
            if message is None and month:
                day = _number(groups["day"]) if groups["day"] else 0
                message = _check_date(era, year, month, day, weekday)
        elif groups["month2"]:
            month, day = _number(groups["month2"]), _number(groups["day2"])
            message = _check_date(era, year, month, day, weekday) if era else _check_month_day(month, day)
        else:
            if era is None or not month or (groups["day3"] and weekday is None):
                continue
            day = _number(groups["day3"] or groups["day4"])
            message = _check_date(era, year, month, day, weekday)
        if message is not None:
            yield DateProblem(match.start(), match.end(), message)


def _western(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _era_label(era: Era, year: int) -> str:
    return f"{era.name}{'元' if year == 1 else year}年"


def _check_year(era: Era, year: int, *, fiscal: bool) -> str | None:
    if year < 1:
        return f"{era.name}{year}年はありません（元年から数えます）"
    if era.last_year is not None and year > era.last_year:
        unit = "年度" if fiscal else "年"
        return f"{era.name}{year}{unit}はありません（{era.name}は{era.last_year}年まで）"
    return None


def _check_month_day(month: int, day: int) -> str | None:
    if not 1 <= month <= 12:
        return f"{month}月はありません"
    # Without a year, February may have 29 days.
    if not 1 <= day <= calendar.monthrange(2024, month)[1]:
        return f"{month}月{day}日はありません"
    return None


def _check_date(era: Era, year: int, month: int, day: int, weekday: str | None) -> str | None:
    label = _era_label(era, year)
    gregorian_year = era.first.year + year - 1
    if not 1 <= month <= 12:
        return f"{label}{month}月はありません"
    if not day:
        first_month, last_month = (era.first.year, era.first.month), era.last and (era.last.year, era.last.month)
        if (gregorian_year, month) < first_month or (last_month and (gregorian_year, month) > last_month):
            return f"{label}{month}月は{era.name}の期間外です"
        return None
    if not 1 <= day <= calendar.monthrange(gregorian_year, month)[1]:
        return f"{label}{month}月{day}日はありません"
    when = date(gregorian_year, month, day)
    if when < _GREGORIAN_FROM:
        return None
    if when < era.first or (era.last is not None and when > era.last):
        span = f"{_western(era.first)}から" + (f"{_western(era.last)}まで" if era.last else "")
        return f"{label}{month}月{day}日は{era.name}の期間（{span}）の外です"
    if weekday is not None and WEEKDAYS[when.weekday()] != weekday:
        return f"{label}{month}月{day}日は{WEEKDAYS[when.weekday()]}曜日です（（{weekday}）と書かれています）"
    return None


def era_day(text: str) -> date | None:
    """The day that `text` names when it is one whole era date (令和4年1月17日, with or
    without its weekday in brackets), else None; None too for an impossible date."""
    found = _DATES.fullmatch(text.strip())
    if found is None or not (found["era"] and found["month"] and found["day"]):
        return None
    era, year = ERAS[found["era"]], _number(found["year"])
    month, day = _number(found["month"]), _number(found["day"])
    if _check_year(era, year, fiscal=False) or _check_date(era, year, month, day, found["weekday"]):
        return None
    return date(era.first.year + year - 1, month, day)


class Precision(IntEnum):
    FISCAL_YEAR = 0
    YEAR = 1
    MONTH = 2
    DAY = 3


class Start(NamedTuple):
    """Where a period begins, as far as it says: 令和4年11月 is November 2022 to the month."""

    year: int
    month: int
    day: int
    precision: Precision

    @property
    def fiscal_year(self) -> int:
        """The fiscal year (April to March, by the Gregorian year it begins in) of this
        start's first day: 令和4年 alone begins on 1 January 2022, in 令和3年度."""
        if self.precision is Precision.FISCAL_YEAR or self.month >= 4:
            return self.year
        return self.year - 1

    def compare(self, other: date) -> int:
        """-1, 0 or 1 as this start is before, within or after the day `other`, at this
        start's own precision (a fiscal year runs from April to March)."""
        if self.precision is Precision.FISCAL_YEAR:
            mine, theirs = (self.year,), (other.year if other.month >= 4 else other.year - 1,)
        else:
            width = self.precision  # YEAR compares one field, MONTH two, DAY three
            mine = (self.year, self.month, self.day)[:width]
            theirs = (other.year, other.month, other.day)[:width]
        return (mine > theirs) - (mine < theirs)


def period_start(text: str) -> Start | None:
    """The first date of `text` (a case's 実施時期) at the precision it is written, or None
    when that date has no year (毎年4～6月, 4月1日から) or is impossible."""
    for found in _dates(text):
        if not found["era"]:
            return None
        era, year = ERAS[found["era"]], _number(found["year"])
        if _check_year(era, year, fiscal=bool(found["fiscal"])):
            return None
        gregorian = era.first.year + year - 1
        if found["fiscal"]:
            return Start(gregorian, 4, 1, Precision.FISCAL_YEAR)
        if not found["month"]:
            return Start(gregorian, 1, 1, Precision.YEAR)
        month = _number(found["month"])
        day = _number(found["day"]) if found["day"] else 0
        if _check_date(era, year, month, day, None):
            return None
        return Start(gregorian, month, day or 1, Precision.DAY if day else Precision.MONTH)
    return None


def fiscal_year_of(text: str) -> int | None:
    """The Gregorian year in which the fiscal year `text` (令和3年度, 令和３年度, 平成元年度)
    begins (2021); None when `text` is not one era fiscal year, or one its era never had."""
    found = _DATES.fullmatch(text.strip())
    if found is None or not (found["era"] and found["fiscal"]) or found["weekday"]:
        return None
    era, year = ERAS[found["era"]], _number(found["year"])
    if _check_year(era, year, fiscal=True):
        return None
    return era.first.year + year - 1


def fiscal_year_label(year: int) -> str:
    """令和3年度 for the fiscal year beginning in April 2021. A fiscal year is named in the
    era its calendar year ends in: April 2019 to March 2020 is 令和元年度, not 平成31年度."""
    begun = [era for era in ERAS.values() if era.first.year <= year]
    if not begun:
        # Before 明治 (a period of 明治元年1月 begins in the fiscal year 1867): no era to name it.
        return f"{year}年度"
    era = max(begun, key=lambda era: era.first)
    number = year - era.first.year + 1
    return f"{era.name}{'元' if number == 1 else number}年度"
