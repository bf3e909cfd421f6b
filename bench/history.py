"""The benchmark of issue 16: `shingikai lint` of the 1,000 cases with a decision history, against the same cases without one.

    .venv/bin/python bench/history.py [--rounds 11] [--json FILE]

(`make bench` runs this after bench/run.py.) It builds, once (again when this file or
generate.py changes), two copies of the 1,000 generated case files (generate.py's file
i is file i here):

    bench/data/history/without/   cases/ only: no git, no meeting
    bench/data/history/with/      a git repository: cases/, and 50 meetings in meetings/ of
                                  20 cases each; a commit of every case and every agenda,
                                  a commit of each meeting's results (about one item in
                                  twenty 継続審議), then 100 edits since the decisions (50
                                  committed, 50 in the working tree) that change meaning,
                                  and 100 committed that only rewrite (a comment, quotes)

and times, as child processes in paired rounds (A B, A B, …), `shingikai lint` of the
1,000 case files as a list of paths in each; the target is the median of the rounds'
ratios with ÷ without ≤ 1.3×. One file (what pre-commit lints for a one-case commit) is
timed the same way, for reference. The run checks that `with` finds exactly one W504
for each meaningful edit and nothing else, and `without` nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import SHINGIKAI, loadavg, machine, measure, median  # noqa: E402

DATA = generate.DATA / "history"
CASES = 1000
MEETINGS = 50
PER_MEETING = CASES // MEETINGS
TARGET = 1.3
SEED = "shingikai-bench-history-v1"
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}
# A meeting every three weeks on a Monday from April 2020 (令和2年度).
FIRST_MEETING = dt.date(2020, 4, 13)


def era_year(year: int) -> str:
    return "元" if year == 2019 else str(year - 2018)


def meeting_text(number: int, day: dt.date, fiscal: int, items: list[tuple[str, str, str | None]]) -> str:
    """A meeting file: (case name, kind, decision or None) in agenda order."""
    lines = [
        "version: 1",
        "kind: 会議",
        f"fiscal_year: 令和{era_year(fiscal)}年度",
        f"number: {number}",
        f"date: 令和{era_year(day.year)}年{day.month}月{day.day}日（{'月火水木金土日'[day.weekday()]}）",
        "place: 狛江市役所4階 特別会議室",
    ]
    for key, kind in (("consultations", "諮問"), ("reports", "報告")):
        chosen = [item for item in items if item[1] == kind]
        if not chosen:
            continue
        lines.append(f"{key}:")
        for name, _, decision in chosen:
            lines.append(f"  - case: ../cases/{name}")
            if decision is not None:
                lines += ["    result:", f"      decision: {decision}"]
                if decision == "条件付承認":
                    lines.append("      conditions: 委託先との契約書に個人情報の取扱いを明記すること。")
    return "\n".join(lines) + "\n"


class Plan:
    """Which case goes to which meeting, the decisions, and the edits since."""

    def __init__(self) -> None:
        r = random.Random(SEED)
        self.texts = [generate.Case(index).build() for index in range(CASES)]
        self.names = [f"case-{index:05d}.yaml" for index in range(CASES)]
        self.kinds = [re.search(r"^kind: (\S+)", text, re.MULTILINE).group(1) for text in self.texts]  # type: ignore[union-attr]
        self.decisions: list[str | None] = []
        for kind in self.kinds:
            if r.random() < 0.05:
                self.decisions.append("継続審議")
            elif kind == "報告":
                self.decisions.append("了承")
            else:
                self.decisions.append(r.choice(("承認", "承認", "承認", "条件付承認")))
        decided = [i for i, decision in enumerate(self.decisions) if decision != "継続審議"]
        edited = r.sample(decided, 300)
        self.meaningful_committed = sorted(edited[:50])
        self.meaningful_working = sorted(edited[50:100])
        self.cosmetic = sorted(edited[100:200])

    def meetings(self) -> list[tuple[str, int, dt.date, int]]:
        """(file name, number in its fiscal year, day, fiscal year) of each meeting."""
        found, numbers = [], {}
        for index in range(MEETINGS):
            day = FIRST_MEETING + dt.timedelta(weeks=3 * index)
            fiscal = day.year if day.month >= 4 else day.year - 1
            numbers[fiscal] = numbers.get(fiscal, 0) + 1
            found.append((f"r{fiscal - 2018}-{numbers[fiscal]}.yaml", numbers[fiscal], day, fiscal))
        return found

    def agenda(self, meeting: int, decided: bool) -> list[tuple[str, str, str | None]]:
        chosen = range(meeting * PER_MEETING, (meeting + 1) * PER_MEETING)
        return [(self.names[i], self.kinds[i], self.decisions[i] if decided else None) for i in chosen]


def meaningful(text: str) -> str:
    """One more volume than was approved."""
    changed = re.sub(r"^volume: (.+)$", r"volume: \1（見直し後）", text, count=1, flags=re.MULTILINE)
    assert changed != text
    return changed


def cosmetic(text: str) -> str:
    """The same content written otherwise: a comment, and the kind in quotes."""
    changed = re.sub(r"^kind: (\S+)$", r'kind: "\1"  # 内容は変えずに書き直した', text, count=1, flags=re.MULTILINE)
    assert changed != text
    return changed


def stamp() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(generate.generator_hash().encode())
    return digest.hexdigest()[:16] + "\n"


def git(repository: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, **GIT_ENV}
    if date is not None:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", *args], cwd=repository, env=env, check=True, capture_output=True)


def build(plan: Plan) -> None:
    """bench/data/history/{without,with}/, unless they are up to date."""
    marker = DATA / ".stamp"
    if marker.exists() and marker.read_text() == stamp():
        return
    if DATA.exists():
        shutil.rmtree(DATA)
    without, with_history = DATA / "without", DATA / "with"
    for root in (without, with_history):
        (root / "cases").mkdir(parents=True)
    (with_history / "meetings").mkdir()
    meetings = plan.meetings()

    def write_cases(root: Path, edits: dict[int, Callable[[str], str]] | None = None) -> None:
        for index, (name, text) in enumerate(zip(plan.names, plan.texts, strict=True)):
            edit = (edits or {}).get(index)
            (root / "cases" / name).write_text(edit(text) if edit else text, encoding="utf-8")

    write_cases(without)
    write_cases(with_history)
    for index, (name, number, day, fiscal) in enumerate(meetings):
        (with_history / "meetings" / name).write_text(meeting_text(number, day, fiscal, plan.agenda(index, False)), encoding="utf-8")
    git(with_history, "init", "--quiet")
    git(with_history, "add", "--all")
    git(with_history, "commit", "--quiet", "--message", "案件と議題", date="2020-04-01T09:00:00+09:00")
    for index, (name, number, day, fiscal) in enumerate(meetings):
        (with_history / "meetings" / name).write_text(meeting_text(number, day, fiscal, plan.agenda(index, True)), encoding="utf-8")
        git(with_history, "add", "--all")
        git(with_history, "commit", "--quiet", "--message", f"{name} の会議の結果", date=f"{day.isoformat()}T18:00:00+09:00")
    committed: dict[int, Callable[[str], str]] = {i: meaningful for i in plan.meaningful_committed} | {i: cosmetic for i in plan.cosmetic}
    write_cases(with_history, committed)
    git(with_history, "add", "--all")
    git(with_history, "commit", "--quiet", "--message", "決定の後の変更", date="2023-04-03T09:00:00+09:00")
    # Packed, as a clone is (and git's own gc makes a repository that has grown).
    git(with_history, "gc", "--quiet")
    # The index as a user's `git status` leaves it: written in the same second as the files,
    # git takes each entry as racily clean and hashes its file again on every diff-index.
    git(with_history, "update-index", "-q", "--refresh")
    # Only the files edited since: the others stay as the last commit wrote them (and as
    # git's index knows them).
    for index in plan.meaningful_working:
        (with_history / "cases" / plan.names[index]).write_text(meaningful(plan.texts[index]), encoding="utf-8")
    marker.write_text(stamp())


def lint(files: list[str]) -> list[str]:
    return [str(SHINGIKAI), "lint", *files]


def check(plan: Plan, files: list[str]) -> None:
    """`with` finds one W504 per meaningful edit and nothing else; `without`, nothing."""
    for name, expected in (
        ("without", []),
        ("with", sorted(f"cases/{plan.names[i]}" for i in (*plan.meaningful_committed, *plan.meaningful_working))),
    ):
        done = measure(lint(files), cwd=DATA / name)
        found = sorted(line.split(":", 1)[0] for line in done.stdout.splitlines())
        codes = {line.split(": ", 1)[1].split()[0] for line in done.stdout.splitlines()}
        if done.code != 0 or found != expected or codes - {"W504"} or done.stderr:
            raise SystemExit(f"lint of {name} is not as planned (exit {done.code}):\n{done.stdout[:2000]}{done.stderr[:2000]}")


def paired(files: list[str], rounds: int) -> dict[str, object]:
    argv = {name: lint(files) for name in ("without", "with")}
    for name in argv:
        measure(argv[name], cwd=DATA / name)
    runs: dict[str, list] = {name: [] for name in argv}
    for index in range(rounds):
        for name in argv:
            runs[name].append(measure(argv[name], cwd=DATA / name))
        print(f"  {len(files):>5} file(s), round {index + 1}/{rounds}: " + "  ".join(f"{n} {r[-1].wall:.3f}s" for n, r in runs.items()), file=sys.stderr, flush=True)
    return {
        "files": len(files),
        "rounds": rounds,
        **{f"{name}_wall": median([r.wall for r in rs]) for name, rs in runs.items()},
        **{f"{name}_cpu": median([r.cpu for r in rs]) for name, rs in runs.items()},
        "ratio": median([a.wall / b.wall for a, b in zip(runs["with"], runs["without"], strict=True)]),
        "cpu_ratio": median([a.cpu / b.cpu for a, b in zip(runs["with"], runs["without"], strict=True)]),
    }


def table(results: list[dict[str, object]], info: dict[str, str]) -> str:
    lines = [
        f"date {info['date']} · {info['nproc']} cores · {info['cpu']} · Python {info['python']} · Linux {info['kernel']}",
        f"load average (1, 5, 15 min) at the start: {info['load']}, at the end: {info['load_end']}",
        "",
        "| files | without history: wall (s) | CPU (s) | with history: wall (s) | CPU (s) | with ÷ without, wall | CPU | target |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        target = f"≤ {TARGET}×: {'pass' if result['ratio'] <= TARGET else 'FAIL'}" if result["files"] == CASES else "(reference)"  # type: ignore[operator]
        lines.append(
            f"| {result['files']:,} | {result['without_wall']:.3f} | {result['without_cpu']:.3f} | {result['with_wall']:.3f} | "
            f"{result['with_cpu']:.3f} | {result['ratio']:.3f}× | {result['cpu_ratio']:.3f}× | {target} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="shingikai lint with and without a decision history (issue 16)")
    # What the history adds is a fixed cost, small beside a slow minute of this machine:
    # 11 rounds, so that one slow pair moves the median less.
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--json", type=Path, default=DATA.parent / "history-last-run.json")
    args = parser.parse_args()
    if not SHINGIKAI.exists():
        raise SystemExit(f"missing {SHINGIKAI}: run `make bench` (it builds .venv)")
    plan = Plan()
    build(plan)
    files = [f"cases/{name}" for name in plan.names]
    check(plan, files)
    info = machine()
    results = [paired(files, args.rounds), paired(files[:1], args.rounds * 3)]
    info["load_end"] = loadavg()
    report = table(results, info)
    print(report)
    args.json.write_text(json.dumps({"machine": info, "results": results, "table": report}, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
