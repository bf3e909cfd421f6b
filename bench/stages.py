"""Where the time of one lint pass goes: the real pipeline, each stage timed, one process.

    .venv/bin/python bench/stages.py PATH... [--rules]

Runs `linter.lint_file` on every file with the stage functions it calls wrapped in
timers: read (source.read_source), decode (source.decode), parse (document.parse), all
three called by `shelf.load`, model (validation.validate), each rule's check, and then
the text reporter. Whatever
lint_file spends outside those (the subject, selection, suppressions, sorting) is
"findings and glue". Prints seconds, share and µs per file; with --rules, each rule.
An extra pass of libyaml's `compose` alone shows how much of "parse" is libyaml.
"""

from __future__ import annotations

import argparse
import io
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from shingikai.lint import pipeline as linter
from shingikai.lint import shelf, suppression
from shingikai.lint.config import ConfigResolver
from shingikai.reporters import REPORTERS
from shingikai.reporters.base import Totals
from shingikai.rules import CHECKS

TEXT_RULES = ("W402", "W403", "W404", "W405", "W406")
spent: dict[str, float] = defaultdict(float)
per_rule: dict[str, float] = defaultdict(float)


def timed(bucket: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            result = function(*args, **kwargs)
            # A check is a generator: its work happens while it is consumed.
            return list(result) if bucket is per_rule else result
        finally:
            bucket[name] += time.perf_counter() - start

    return wrapper


def instrument() -> None:
    for name, attribute in (("read", "read_source"), ("decode", "decode"), ("parse", "parse")):
        setattr(shelf, attribute, timed(spent, name, getattr(shelf, attribute)))
    linter.validate = timed(spent, "model", linter.validate)
    suppression.CHECKS = tuple(rule._replace(check=timed(per_rule, rule.code, rule.check)) for rule in CHECKS)


def main() -> None:
    parser = argparse.ArgumentParser(description="stage shares of shingikai lint")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--rules", action="store_true", help="print each rule's time too")
    args = parser.parse_args()
    instrument()

    start = time.perf_counter()
    jobs = list(linter.plan(linter.collect(args.paths, print), ConfigResolver(None), None, []))
    spent["collect and plan"] = time.perf_counter() - start
    reporter = REPORTERS["text"](io.StringIO())
    totals = Totals()
    linting = 0.0
    # One shelf and one history for the run, as `shingikai lint` has.
    run_shelf, run_history = linter.Shelf(), linter.History()
    for job in jobs:
        t0 = time.perf_counter()
        result = linter.lint_file(job, run_shelf, run_history)
        t1 = time.perf_counter()
        totals.add(result)
        reporter.file(result)
        spent["report"] += time.perf_counter() - t1
        linting += t1 - t0
    reporter.finish(totals)
    staged = sum(spent[name] for name in ("read", "decode", "parse", "model")) + sum(per_rule.values())
    spent["rules"] = sum(per_rule.values())
    spent["findings and glue"] = linting - staged

    compose = 0.0
    for job in jobs:
        text = Path(job.path).read_text(encoding="utf-8")
        t0 = time.perf_counter()
        yaml.compose(text, Loader=yaml.CSafeLoader)
        compose += time.perf_counter() - t0

    n = len(jobs)
    total = sum(spent.values())
    print(f"{n:,} files, {totals.errors + totals.warnings} findings; {total:.3f} s of work in one process\n")
    print("| stage | s | share | µs/file |")
    print("|---|---:|---:|---:|")
    for name in ("collect and plan", "read", "decode", "parse", "model", "rules", "findings and glue", "report"):
        print(f"| {name} | {spent[name]:.3f} | {100 * spent[name] / total:.1f} % | {1e6 * spent[name] / n:.0f} |")
    text_rules = sum(per_rule[code] for code in TEXT_RULES)
    print(f"| (of parse: libyaml compose alone) | {compose:.3f} | | {1e6 * compose / n:.0f} |")
    print(f"| (of rules: text rules {TEXT_RULES[0]}–{TEXT_RULES[-1]}) | {text_rules:.3f} | | {1e6 * text_rules / n:.0f} |")
    if args.rules:
        print("\n| rule | s | share | µs/file |")
        print("|---|---:|---:|---:|")
        for code, seconds in sorted(per_rule.items(), key=lambda item: -item[1]):
            print(f"| {code} | {seconds:.3f} | {100 * seconds / total:.1f} % | {1e6 * seconds / n:.0f} |")


if __name__ == "__main__":
    main()
