"""The benchmark of issue 15: `shingikai report` against `shingikai lint` on the same files.

    .venv/bin/python bench/report.py [--sets 1000,10000] [--formats csv,json,xlsx,html,table]
                                     [--rounds-small 5] [--rounds-large 3] [--json FILE]

(`make bench` runs this after bench/run.py.) For each set of generated case files
(bench/generate.py) it runs, as child processes on the set's directory, in rounds
lint, csv, json, xlsx, html, table, lint, csv, …:

    lint   shingikai lint DIR
    csv    shingikai report DIR -o register.csv     (the long table)
    json   shingikai report DIR -o register.json    (the long table)
    xlsx   shingikai report DIR -o register.xlsx    (the four views, a sheet each)
    html   shingikai report DIR -o register.html    (the four views on one page)
    table  shingikai report DIR > register.txt      (the long table, plain: not a terminal)

(`--formats` runs lint and only the formats it names, for measuring one of them while it
changes) and reports the medians of wall time, CPU time and peak memory (measured as bench/run.py
measures them), each format's time over the lint of its own round (the median of those
ratios), and memory at 10,000 files over memory at 1,000.

Targets (issue 15, item 4): the register of 10,000 cases written in at most 1.5× the
time of `shingikai lint` on the same files; memory flat in the number of files (10,000
over 1,000 at most 1.2×, the bound issue 7 set for lint).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import ROOT, SHINGIKAI, _busy, figures, loadavg, machine, measure, median, paired_rounds  # noqa: E402

TIME_LIMIT = 1.5
MEMORY_LIMIT = 1.2
FORMATS = ("csv", "json", "xlsx", "html", "table")


def commands(directory: str, out: Path, formats: tuple[str, ...]) -> dict[str, list[str]]:
    found = {"lint": [str(SHINGIKAI), "lint", directory]}
    for name in formats:
        if name == "table":
            # Through a shell for the redirection: what a user piping the table does.
            found[name] = ["sh", "-c", f'exec "{SHINGIKAI}" report "{directory}" > "{out / "register.txt"}"']
        else:
            found[name] = [str(SHINGIKAI), "report", directory, "-o", str(out / f"register.{name}")]
    return found


def run_set(count: int, rounds: int, formats: tuple[str, ...]) -> dict[str, object]:
    directory = str((generate.DATA / str(count)).relative_to(ROOT))
    with tempfile.TemporaryDirectory(prefix="shingikai-report-") as scratch:
        argvs = commands(directory, Path(scratch), formats)
        for name, argv in argvs.items():
            warm = measure(argv)
            if warm.code != 0:
                raise SystemExit(f"{name} on the {count} set exited {warm.code}:\n{warm.stderr[-2000:]}")
        runs = paired_rounds(argvs, count, rounds)
        sizes = {name: (Path(scratch) / f"register.{'txt' if name == 'table' else name}").stat().st_size for name in formats}
    lint = runs["lint"]
    summary: dict[str, object] = {"files": count, "rounds": rounds, "sizes": sizes, "tools": {}}
    for name, rs in runs.items():
        summary["tools"][name] = {  # type: ignore[index]
            **figures(rs),
            "ratio_wall": median([r.wall / l.wall for r, l in zip(rs, lint, strict=True)]),
            "ratio_cpu": median([r.cpu / l.cpu for r, l in zip(rs, lint, strict=True)]),
        }
    return summary


def table(results: list[dict[str, object]], info: dict[str, str]) -> str:
    lines = [
        f"date {info['date']} · {info['nproc']} cores · {info['cpu']} · Python {info['python']} · Linux {info['kernel']}",
        f"load average (1, 5, 15 min) at the start: {info['load']}, at the end: {info.get('load_end', '?')}"
        + ("  ⚠ the machine was busy: wall times are noisy, compare the CPU column" if _busy(info) else ""),
        "",
        "| files | command | output (MB) | wall (median, s) | CPU (s) | peak RSS (MiB) | tree PSS (MiB) | ÷ lint, wall | ÷ lint, CPU |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        sizes = result["sizes"]  # type: ignore[index]
        for name, t in result["tools"].items():  # type: ignore[union-attr]
            label = "shingikai lint" if name == "lint" else f"report → {name}"
            size = "" if name == "lint" else f"{sizes[name] / 1e6:.1f}"  # type: ignore[index]
            ratios = ("", "") if name == "lint" else (f"{t['ratio_wall']:.3f}×", f"{t['ratio_cpu']:.3f}×")
            lines.append(
                f"| {result['files']:,} | {label} | {size} | {t['wall']:.3f} | {t['cpu']:.3f} | "
                f"{t['maxrss_mib']:.1f} | {t['tree_pss_mib']:.1f} | {ratios[0]} | {ratios[1]} |"
            )
    by_count = {int(r["files"]): r for r in results}  # type: ignore[call-overload]
    lines += ["", "Targets (issue 15, item 4), measured in this run:", "",
              "| target | measured | limit | |", "|---|---:|---:|---|"]
    if 10000 in by_count:
        tools = by_count[10000]["tools"]  # type: ignore[index]
        for name in (name for name in FORMATS if name in tools):
            value = tools[name]["ratio_wall"]
            verdict = "pass" if value <= TIME_LIMIT else "FAIL"
            lines.append(f"| 10,000 files: report → {name} ÷ lint (wall; CPU {tools[name]['ratio_cpu']:.3f}×) | {value:.3f}× | ≤ {TIME_LIMIT}× | {verdict} |")
    if 10000 in by_count and 1000 in by_count:
        for name in (name for name in FORMATS if name in by_count[10000]["tools"] and name in by_count[1000]["tools"]):  # type: ignore[operator]
            for metric, label in (("maxrss_mib", "peak RSS"), ("tree_pss_mib", "tree PSS")):
                big = by_count[10000]["tools"][name][metric]  # type: ignore[index]
                small = by_count[1000]["tools"][name][metric]  # type: ignore[index]
                value = big / small if small else float("nan")
                verdict = "pass" if value <= MEMORY_LIMIT else "FAIL"
                lines.append(f"| memory, 10,000 ÷ 1,000 files, report → {name} ({label}) | {value:.3f}× | ≤ {MEMORY_LIMIT}× | {verdict} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="shingikai report benchmark (issue 15)")
    parser.add_argument("--sets", default="1000,10000")
    parser.add_argument("--formats", default=",".join(FORMATS), help="the formats to run beside lint")
    parser.add_argument("--rounds-small", type=int, default=5, help="rounds for the 1,000 set")
    parser.add_argument("--rounds-large", type=int, default=3, help="rounds for the 10,000 set")
    parser.add_argument("--json", type=Path, default=generate.DATA / "report-last-run.json")
    args = parser.parse_args()
    counts = [int(c) for c in args.sets.split(",")]
    formats = tuple(name for name in FORMATS if name in args.formats.split(","))
    if not formats or set(args.formats.split(",")) - set(FORMATS):
        raise SystemExit(f"--formats: a list of {', '.join(FORMATS)}")
    if not SHINGIKAI.exists():
        raise SystemExit(f"missing {SHINGIKAI}: run `make bench` (it builds .venv)")
    for count in counts:
        written = generate.generate(count)
        print(f"bench/data/{count}: {'generated' if written else 'up to date'}", file=sys.stderr)
    info = machine()
    results = [run_set(count, args.rounds_large if count >= 10000 else args.rounds_small, formats) for count in counts]
    info["load_end"] = loadavg()
    report = table(results, info)
    print(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "sets": results, "table": report}, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
