"""Dates in running text (era, abbreviated era and Western): find them, resolve partial
ones, judge them."""

import bisect
import calendar
import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Final, Literal, NamedTuple

from .characters import is_ideograph


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
_SHORT = r"[0-9０-９]{1,2}"
# Abbreviated eras (R5.2.30, 令5.2.30): a letter, or the era's first character.
_INITIALS: Final = {
    **{name[0]: name for name in ERAS},
    **{letter: name for letter, name in zip("MTSHR", ERAS, strict=True)},
    **{letter: name for letter, name in zip("ＭＴＳＨＲ", ERAS, strict=True)},
}

# Every form starts with one of these characters, followed by what that form needs
# next: an era's second character, or a year after an initial (説明 and 大きい are not
# dates); at most four digits before 年, 月 or 日 (1,800件 is none); a day's digits
# after a joint (から, not か alone). A search for them skips the rest of the text at C
# speed (the pattern opens with their class), and the date pattern is tried only there.
# What follows the class is written without further classes of scattered non-ASCII
# characters: each costs start-up to compile.
_DATE_START = re.compile(
    rf"[{''.join(_INITIALS)}0-9０-９～〜~か]"
    "(?:" + "|".join(f"(?<={name[0]}){name[1]}" for name in ERAS)
    + r"|(?<![0-9０-９])(?:(?=元)|(?=[0-9０-９]))"
    r"|(?<=[0-9０-９])(?:(?=[0-9０-９]{0,3}\s*年)|(?=[0-9０-９]{0,3}\s*[月日]))"
    r"|(?<=[～〜])(?=\s*[0-9０-９])|(?<=~)(?=\s*[0-9０-９])"
    r"|(?<=か)(?=ら\s*[0-9０-９]))"
)
_DATES = re.compile(
    "(?:"
    # 令和3年12月14日（火）, 令和元年度, 平成31年4月
    rf"(?P<era>{'|'.join(ERAS)})\s*(?P<year>元|{_NUMBER})\s*年(?:(?P<fiscal>度)|"
    rf"(?:\s*(?P<month>{_NUMBER})\s*月(?:\s*(?P<day>{_NUMBER})\s*日)?)?)"
    # R5.2.30, R5/2/30, 令5.2.30, H31.4.30: one separator throughout, no further number after
    rf"|(?<![A-Za-zＡ-Ｚａ-ｚ0-9０-９])(?P<initial>[{''.join(_INITIALS)}])(?P<short_year>元|{_SHORT})"
    rf"(?P<separator>[./．／])(?P<short_month>{_SHORT})(?P=separator)(?P<short_day>{_SHORT})"
    r"(?![0-9０-９]|[./．／][0-9０-９])"
    # 2026年1月6日, 2022年度
    rf"|(?<![0-9０-９])(?P<western>[1-9１-９][0-9０-９]{{3}})\s*年(?:(?P<western_fiscal>度)|"
    rf"(?:\s*(?P<western_month>{_NUMBER})\s*月(?:\s*(?P<western_day>{_NUMBER})\s*日)?)?)"
    # 12月31日: the year is that of the last full date before it
    rf"|(?<![0-9０-９年])(?P<month2>{_NUMBER})\s*月\s*(?P<day2>{_NUMBER})\s*日"
    # 15日（水）: a day, checked only with its weekday
    rf"|(?<![0-9０-９月])(?P<day3>{_NUMBER})\s*日"
    # the end of a range: ～15日, から15日
    rf"|(?:～|〜|~|から)\s*(?P<day4>{_NUMBER})\s*日)"
    # One weekday group for every form: each copy of this class costs start-up to compile.
    rf"(?:\s*[（(]\s*(?P<weekday>[{WEEKDAYS}])\s*(?:曜日?)?\s*[)）])?"
)
# What joins the start of a range to its end (令和4年1月24日から12月31日まで).
_RANGE_JOINTS: Final = frozenset({"～", "〜", "~", "から"})
# Longer than any joint: what lies between two dates this far apart is not one.
_JOINT_MAX: Final = 8

Precision = Literal["day", "month", "year"]


class DateMention(NamedTuple):
    """A date in a text, resolved: the days it names (one day, a month, a year or a
    fiscal year) and how precisely. `start` and `end` are its characters in the text."""

    start: int
    end: int
    first: date
    last: date
    precision: Precision


class DateProblem(NamedTuple):
    start: int
    end: int
    message: str


class _Year(NamedTuple):
    era: Era | None  # None: a Western year
    number: int  # as written: 3 of 令和3年, 2021 of 2021年

    @property
    def gregorian(self) -> int:
        return self.number if self.era is None else self.era.first.year + self.number - 1

    @property
    def label(self) -> str:
        return f"{self.number}年" if self.era is None else _era_label(self.era, self.number)


class _Reading(NamedTuple):
    match: re.Match[str]
    # The days it names, unless it is impossible (or before the Gregorian calendar).
    first: date | None
    last: date | None
    precision: Precision
    problem: str | None
    # What it reads as in full (令和4年12月31日 for 「12月31日」): for messages, made when needed.
    year: "_Year | None"
    month: int
    day: int
    fiscal: bool
    # The date that this one ends a range of (「令和4年1月24日から12月31日」).
    since: "_Reading | None"

    @property
    def label(self) -> str:
        if self.year is None:
            return ""
        if not self.month:
            return self.year.label + ("度" if self.fiscal else "")
        return f"{self.year.label}{self.month}月" + (f"{self.day}日" if self.day else "")


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


def dates(text: str, starts: Sequence[int] = (0,)) -> Iterator[DateMention]:
    """The possible dates in `text`, in order, each resolved (see `date_problems`)."""
    for reading in _readings(text, starts):
        if reading.first is not None and reading.last is not None:
            yield DateMention(reading.match.start(), reading.match.end(), reading.first, reading.last, reading.precision)


def date_problems(text: str, starts: Sequence[int] = (0,)) -> Iterator[DateProblem]:
    """Impossible dates, wrong weekdays and ranges that end before they start, in order.

    A month-day or a day names the year and month of the last full date before it in
    the same text (「令和3年12月14日から15日まで」); without one it is judged alone.
    `text` may be several texts: `starts` says where each begins.
    """
    for reading in _readings(text, starts):
        match = reading.match
        if reading.problem is not None:
            yield DateProblem(match.start(), match.end(), reading.problem)
        since = reading.since
        if since is not None and reading.last is not None and since.first is not None and reading.last < since.first:
            yield DateProblem(since.match.start(), match.end(), _backwards(since, reading))


def _backwards(since: _Reading, until: _Reading) -> str:
    groups = until.match.groupdict()
    if groups["era"] or groups["initial"] or groups["western"]:
        return f"期間の終わり（{until.label}）が始まり（{since.label}）より前です。どちらかの日付を直してください"
    written = until.match.group().lstrip("～〜~から").strip()
    crossing = "年をまたぐなら、終わりにも年を" if groups["month2"] else "月をまたぐなら、終わりにも月（と年）を"
    return f"期間の終わりの「{written}」は{until.label}と読むため、始まり（{since.label}）より前です。{crossing}書いてください"


_Judged = tuple[date | None, date | None, Precision, str | None]


def _readings(text: str, starts: Sequence[int]) -> Iterator[_Reading]:
    year: _Year | None = None
    month = 0
    segment = 0
    previous: _Reading | None = None
    for match in _dates(text):
        current = bisect.bisect_right(starts, match.start())
        if current != segment:
            year, month, segment, previous = None, 0, current, None
        groups = match.groupdict()
        weekday = groups["weekday"]
        day, fiscal = 0, False
        judged: _Judged
        if groups["era"] or groups["western"]:
            if groups["era"]:
                era = ERAS[groups["era"]]
                year = _Year(era, _number(groups["year"]))
                problem = _check_year(era, year.number, fiscal=bool(groups["fiscal"]))
                written_month, written_day, fiscal = groups["month"], groups["day"], bool(groups["fiscal"])
            else:
                year, problem = _Year(None, _number(groups["western"])), None
                written_month, written_day = groups["western_month"], groups["western_day"]
                fiscal = bool(groups["western_fiscal"])
            month = _number(written_month) if written_month else 0
            day = _number(written_day) if written_day else 0
            if problem is not None:
                judged = (None, None, "day", problem)
            elif month:
                judged = _judge(year, month, day, weekday)
            else:
                judged = _whole_year(year, fiscal=fiscal)
        elif groups["initial"]:
            if not match.group("initial").isascii() and match.start() and is_ideograph(text[match.start() - 1]):
                continue  # 説明1.2.3: not 明治
            era = ERAS[_INITIALS[groups["initial"]]]
            year, month = _Year(era, _number(groups["short_year"])), _number(groups["short_month"])
            day = _number(groups["short_day"])
            problem = _check_year(era, year.number, fiscal=False)
            written = text[match.start() : match.end("short_day")]
            judged = (None, None, "day", problem) if problem else _judge(year, month, day, weekday, written)
        elif groups["month2"]:
            month, day = _number(groups["month2"]), _number(groups["day2"])
            if year is None:
                problem = _check_month_day(month, day)
                if problem is not None:
                    yield _Reading(match, None, None, "day", problem, None, month, day, False, None)
                continue
            judged = _judge(year, month, day, weekday)
        else:
            if year is None or not month or (groups["day3"] and weekday is None):
                continue
            # ～15日 ends a range only right after its start: alone it may be a count of days.
            if groups["day4"] and not _joined(text, previous, match, joint_in_match=True):
                continue
            day = _number(groups["day3"] or groups["day4"])
            judged = _judge(year, month, day, weekday)
        since = previous if _joined(text, previous, match, joint_in_match=bool(groups["day4"])) else None
        reading = _Reading(match, *judged, year, month, day, fiscal, since)
        yield reading
        previous = reading if reading.first is not None else None


def _joined(text: str, previous: _Reading | None, match: re.Match[str], *, joint_in_match: bool) -> bool:
    """Whether `match` directly follows the date `previous`, joined as the end of a range."""
    if previous is None:
        return False
    end = previous.match.end()
    if match.start() - end > _JOINT_MAX:
        return False
    between = text[end : match.start()]
    if joint_in_match:
        return not between or between.isspace()
    return between.strip() in _RANGE_JOINTS


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


def _whole_year(year: _Year, *, fiscal: bool) -> _Judged:
    number = year.gregorian
    if number < _GREGORIAN_FROM.year:
        return None, None, "year", None
    if fiscal:
        return date(number, 4, 1), date(number + 1, 3, 31), "year", None
    first, last = date(number, 1, 1), date(number, 12, 31)
    if year.era is not None:
        first, last = max(first, year.era.first), min(last, year.era.last or last)
    return first, last, "year", None


def _judge(year: _Year, month: int, day: int, weekday: str | None, written: str | None = None) -> _Judged:
    """The date `year`/`month`/`day` (day 0: the whole month), or why it cannot be."""
    gregorian_year = year.gregorian
    era = year.era
    if not 1 <= month <= 12:
        return None, None, "month", f"{_named(year, month, day, written)}はありません" if written else f"{year.label}{month}月はありません"
    days = calendar.monthrange(gregorian_year, month)[1]
    if not day:
        if era is not None:
            first_month, last_month = (era.first.year, era.first.month), era.last and (era.last.year, era.last.month)
            if (gregorian_year, month) < first_month or (last_month and (gregorian_year, month) > last_month):
                return None, None, "month", f"{year.label}{month}月は{era.name}の期間外です"
        if gregorian_year < _GREGORIAN_FROM.year:
            return None, None, "month", None
        return date(gregorian_year, month, 1), date(gregorian_year, month, days), "month", None
    if not 1 <= day <= days:
        return None, None, "day", f"{_named(year, month, day, written)}はありません"
    when = date(gregorian_year, month, day)
    if era is not None and when < _GREGORIAN_FROM:
        return None, None, "day", None
    if era is not None and (when < era.first or (era.last is not None and when > era.last)):
        span = f"{_western(era.first)}から" + (f"{_western(era.last)}まで" if era.last else "")
        return None, None, "day", f"{_named(year, month, day, written)}は{era.name}の期間（{span}）の外です"
    actual = WEEKDAYS[when.weekday()]
    if weekday is not None and actual != weekday:
        named = _named(year, month, day, written)
        return when, when, "day", f"{named}は{actual}曜日ですが、（{weekday}）と書かれています。日付か曜日を直してください"
    return when, when, "day", None


def _named(year: _Year, month: int, day: int, written: str | None) -> str:
    """How a message names a date: in full, and an abbreviated one as written too
    (「R5.2.30」（令和5年2月30日））."""
    label = f"{year.label}{month}月{day}日"
    return f"「{written}」（{label}）" if written else label


def era_day(text: str) -> date | None:
    """The day that `text` names when it is one whole date (令和4年1月17日, with or without
    its weekday in brackets), else None; None too for an impossible date or a wrong weekday."""
    text = text.strip()
    mentions = list(dates(text))
    if len(mentions) != 1 or any(date_problems(text)):
        return None
    mention = mentions[0]
    if (mention.start, mention.end) != (0, len(text)) or mention.precision != "day":
        return None
    return mention.first


class Start(NamedTuple):
    """Where a period begins, as far as it says: 令和4年11月 is every day of November 2022."""

    first: date
    last: date
    precision: Precision

    @property
    def fiscal_year(self) -> int:
        """The fiscal year (April to March, by the Gregorian year it begins in) of this
        start's first day: 令和4年 alone begins on 1 January 2022, in 令和3年度."""
        return self.first.year if self.first.month >= 4 else self.first.year - 1

    def compare(self, other: date) -> int:
        """-1, 0 or 1 as this start is before, within or after the day `other`, at this
        start's own precision (a month is all its days, a fiscal year April to March)."""
        return 1 if other < self.first else -1 if other > self.last else 0


def period_start(text: str) -> Start | None:
    """The first date of `text` (a case's 実施時期) at the precision it is written, or None
    when it has no year (毎年4～6月) or names an impossible day."""
    for reading in _readings(text, (0,)):
        if reading.first is None or reading.last is None:
            return None
        return Start(reading.first, reading.last, reading.precision)
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
