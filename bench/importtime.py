"""What a one-file `shingikai lint` imports, and what each package costs.

    .venv/bin/python bench/importtime.py [FILE] [--top 25] [--runs 5]

Runs `PYTHONPROFILEIMPORTTIME=1 .venv/bin/shingikai lint FILE` (a real run, stdout
not a terminal) --runs times and takes, per module, the median of its self time.
Prints the total, the self time summed per top-level package, the most expensive
modules, and whether the lint path imported what it should not (jinja2, rich,
concurrent.futures.process for one file, the pydantic plugin scan via importlib.metadata).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHINGIKAI = ROOT / ".venv" / "bin" / "shingikai"
LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)")
WATCH = ("jinja2", "rich", "typer", "click", "pydantic", "yaml", "concurrent.futures.process",
         "importlib.metadata", "tomllib", "json", "multiprocessing")


def profile(argv: list[str], env: dict[str, str]) -> list[tuple[str, int, int, int]]:
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        match = LINE.match(line)
        if match:
            rows.append((match.group(4), int(match.group(1)), int(match.group(2)), len(match.group(3)) // 2))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", default=str(HERE / "data" / "1" / "case-00000.yaml"))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--env", action="append", default=[], help="extra VAR=VALUE for the child")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    for item in args.env:
        key, _, value = item.partition("=")
        env[key] = value
    argv = [str(SHINGIKAI), "lint", args.file]
    selfs: dict[str, list[int]] = defaultdict(list)
    cumulative: dict[str, list[int]] = defaultdict(list)
    totals = []
    for _ in range(args.runs):
        rows = profile(argv, env)
        totals.append(sum(r[1] for r in rows))
        for name, own, cum, _depth in rows:
            selfs[name].append(own)
            cumulative[name].append(cum)
    own = {name: statistics.median(v) for name, v in selfs.items()}
    cum = {name: statistics.median(v) for name, v in cumulative.items()}
    total = statistics.median(totals)
    print(f"`shingikai lint {os.path.relpath(args.file, ROOT)}`: {len(own)} modules imported, "
          f"import time {total / 1000:.1f} ms (median of {args.runs}, self times summed)\n")
    by_package: dict[str, float] = defaultdict(float)
    for name, value in own.items():
        by_package[name.split(".")[0]] += value
    print("| package | self time (ms) | share |")
    print("|---|---:|---:|")
    for name, value in sorted(by_package.items(), key=lambda kv: -kv[1])[:15]:
        print(f"| {name} | {value / 1000:.1f} | {100 * value / total:.0f} % |")
    print(f"\n| module (top {args.top} by self time) | self (ms) | cumulative (ms) |")
    print("|---|---:|---:|")
    for name, value in sorted(own.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"| {name} | {value / 1000:.1f} | {cum[name] / 1000:.1f} |")
    print("\nimported on the lint path?")
    for watched in WATCH:
        hit = [n for n in own if n == watched or n.startswith(watched + ".")]
        cost = sum(own[n] for n in hit) / 1000
        print(f"  {watched:28} {'yes' if hit else 'no ':3}  {len(hit):3} modules  {cost:6.1f} ms self")


if __name__ == "__main__":
    main()
