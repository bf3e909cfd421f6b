"""The benchmark of issues 7 and 11: `shingikai lint` against check-jsonschema, the floor and the stack.

    .venv/bin/python bench/run.py [--sets 1,1000,10000] [--rounds-one 9] [--rounds-small 5]
                                  [--rounds-large 3] [--no-stages] [--no-render] [--json FILE]

(`make bench` builds the tools venv and runs this.) For each set of generated case
files (bench/generate.py; 1, 1,000, 10,000 files) it runs, as child processes, in
rounds A B C D, A B C D, …:

    A  shingikai lint FILES...                                  (.venv)
    B  check-jsonschema --schemafile schemas/case.schema.json FILES...  (bench/.venv-tools)
    C  python bench/floor.py FILES...            parse + minimal model, one process
    D  python bench/floor.py --jobs 2 FILES...   the same over a pool of two: the two-core floor

and reports medians of wall time, CPU time and peak memory, and the paired ratios
(each round's shingikai over the same round's comparison, then the median). Then
`shingikai render` of the 1,000 set, and the stage shares of the 10,000 set
(bench/stages.py). Measurement:

- wall: time.perf_counter() around fork/exec … wait4 of the child;
- CPU: ru_utime + ru_stime from os.wait4 on that child; Linux adds the CPU time of
  the descendants the child waited for (pool workers), so a pool's CPU is counted;
- peak RSS: ru_maxrss from the same os.wait4 (KiB on Linux): the largest peak of
  any one process of the tree (the child, or a waited-for worker), not a sum;
- tree PSS: the sum of Pss (/proc/PID/smaps_rollup) over the child and all its
  descendants, sampled every 10 ms from a thread of this runner; the peak of the
  sums. PSS shares the pages a forked worker still shares with its parent, so the
  sum is the memory the run really holds; it is a sample (it can miss a short peak).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

SCHEMA = ROOT / "schemas" / "case.schema.json"
SHINGIKAI = ROOT / ".venv" / "bin" / "shingikai"
PYTHON = ROOT / ".venv" / "bin" / "python"
CHECK_JSONSCHEMA = HERE / ".venv-tools" / "bin" / "check-jsonschema"
# Issue 11, item 7 (issue 7's targets, held with Typer as the stack specifies).
TARGETS = {"1": 0.7, "1000": 0.125}
# What shingikai may add, for a one-file lint, to starting its stack: `import yaml, pydantic, typer`.
STACK_BUDGET_MS = 80.0
STACK = "import yaml, pydantic, typer"
SAMPLE_EVERY = 0.010


@dataclass
class Run:
    wall: float
    cpu: float
    maxrss_kib: int
    tree_pss_kib: int
    code: int
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)


def _children(pid: int) -> list[int]:
    """The children of every thread of pid (a pool may fork from any thread)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as stream:
                found.extend(int(p) for p in stream.read().split())
        except OSError:
            continue
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree_pss(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += _pss_kib(current)
        stack.extend(_children(current))
    return total


def measure(argv: list[str], cwd: Path = ROOT, *, sample_memory: bool = True) -> Run:
    """Run argv as a child; wall, CPU (child + waited-for descendants), peak memory (the tree's
    PSS only when `sample_memory`: reading every process's smaps every 10 ms costs CPU on the
    cores the command runs on, and stalls a large process's page faults)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        peak = [0]
        done = threading.Event()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)

        def sample() -> None:
            while not done.wait(SAMPLE_EVERY):
                peak[0] = max(peak[0], _tree_pss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        if sample_memory:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        if sample_memory:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            maxrss_kib=usage.ru_maxrss,
            tree_pss_kib=peak[0],
            code=proc.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )


def files_of(count: int) -> list[str]:
    directory = generate.DATA / str(count)
    return sorted(str(p.relative_to(ROOT)) for p in directory.glob("*.yaml"))


def commands(files: list[str], directory: str) -> dict[str, list[str]]:
    stack = {
        "stack (import yaml, pydantic, typer)": [str(PYTHON), "-c", STACK],
        "a minimal Typer command (bench/typer_command.py)": [str(PYTHON), str(HERE / "typer_command.py"), *files],
    } if len(files) == 1 else {}
    return {
        "shingikai": [str(SHINGIKAI), "lint", *files],
        # The same files as one directory argument: CPython keeps several copies of its
        # argv, which alone grows every command's memory with the number of files.
        "shingikai (directory)": [str(SHINGIKAI), "lint", directory],
        "check-jsonschema": [str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMA.relative_to(ROOT)), *files],
        "floor": [str(PYTHON), str(HERE / "floor.py"), *files],
        "floor-2core": [str(PYTHON), str(HERE / "floor.py"), "--jobs", "2", *files],
        **stack,
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def paired_rounds(argvs: dict[str, list[str]], count: int, rounds: int) -> dict[str, list[Run]]:
    """Each command's runs, in rounds of all of them (a ratio is taken within a round)."""
    runs: dict[str, list[Run]] = {name: [] for name in argvs}
    for index in range(rounds):
        for name, argv in argvs.items():
            run = measure(argv)
            if run.code != 0:
                raise SystemExit(f"{name} on the {count} set exited {run.code} in round {index + 1}:\n{run.stderr[-2000:]}")
            runs[name].append(run)
        print(f"  {count:>6} files, round {index + 1}/{rounds}: "
              + "  ".join(f"{n} {r[-1].wall:.2f}s" for n, r in runs.items()), file=sys.stderr, flush=True)
    return runs


def figures(runs: list[Run]) -> dict[str, object]:
    """The medians of a command's runs (memory in MiB), and each run's wall time."""
    return {
        "wall": median([r.wall for r in runs]),
        "cpu": median([r.cpu for r in runs]),
        "maxrss_mib": median([r.maxrss_kib for r in runs]) / 1024,
        "tree_pss_mib": median([r.tree_pss_kib for r in runs]) / 1024,
        "walls": [round(r.wall, 4) for r in runs],
    }


def run_set(count: int, rounds: int) -> dict[str, object]:
    files = files_of(count)
    argvs = commands(files, str((generate.DATA / str(count)).relative_to(ROOT)))
    # One warm-up run (page cache, .pyc), checked for a clean pass: of each command on
    # the small sets; on the large one only of shingikai (it reads every file into the
    # page cache, and the others' code is warm from the smaller sets).
    for name, argv in argvs.items():
        if count >= 10000 and name != "shingikai":
            continue
        warm = measure(argv)
        if warm.code != 0:
            raise SystemExit(f"{name} on the {count} set exited {warm.code}:\n{warm.stdout[-2000:]}{warm.stderr[-2000:]}")
        if name.startswith("shingikai") and warm.stdout.strip():
            raise SystemExit(f"the generated {count} set is not lint-clean:\n{warm.stdout[:2000]}")
    runs = paired_rounds(argvs, count, rounds)
    summary: dict[str, object] = {"files": count, "rounds": rounds, "tools": {name: figures(rs) for name, rs in runs.items()}}
    mine = runs["shingikai"]
    others = [name for name in runs if name != "shingikai"]
    summary["ratios"] = {
        other: median([a.wall / b.wall for a, b in zip(mine, runs[other], strict=True)]) for other in others
    }
    summary["cpu_ratios"] = {
        other: median([a.cpu / b.cpu for a, b in zip(mine, runs[other], strict=True)]) for other in others
    }
    summary["differences_ms"] = {
        other: 1000 * median([a.wall - b.wall for a, b in zip(mine, runs[other], strict=True)]) for other in others
    }
    return summary


def run_render(count: int, rounds: int) -> dict[str, object]:
    files_dir = generate.DATA / str(count)
    results = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="shingikai-render-") as out:
            run = measure([str(SHINGIKAI), "render", str(files_dir.relative_to(ROOT)), "-o", out])
            produced = sum(1 for p in Path(out).rglob("*") if p.is_file())
        if run.code == 2 and "No such command" in run.stderr:
            return {"available": False, "reason": "not available"}
        if run.code != 0:
            first = (run.stderr.strip().splitlines() or [""])[0]
            return {"available": False, "reason": f"failed (exit {run.code}: {first[:200]})"}
        results.append((run, produced))
    return {
        "available": True,
        "files": count,
        "rounds": rounds,
        "wall": median([r.wall for r, _ in results]),
        "cpu": median([r.cpu for r, _ in results]),
        "maxrss_mib": median([r.maxrss_kib for r, _ in results]) / 1024,
        "tree_pss_mib": median([r.tree_pss_kib for r, _ in results]) / 1024,
        "outputs": results[-1][1],
    }


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    version = subprocess.run([str(PYTHON), "-c", "import sys; print(sys.version.split()[0])"],
                             capture_output=True, text=True).stdout.strip()
    return {
        "load": loadavg(),
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": version,
        "kernel": platform.release(),
    }


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def schema_state() -> str:
    try:
        loaded = json.loads(SCHEMA.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"unreadable ({error})"
    if loaded == {}:
        return "PLACEHOLDER `{}`: check-jsonschema validates nothing but YAML syntax"
    return f"generated ({len(json.dumps(loaded))} bytes)"


def _busy(info: dict[str, str]) -> bool:
    try:
        # The 1-minute load at the start (the run's own processes count in the one at the end).
        return float(info["load"].split()[0]) > 1.0
    except (ValueError, IndexError):
        return False


def fmt_ratio(value: float, target: float | None = None) -> str:
    text = f"{value:.3f}×"
    if target is not None:
        text += " ✓" if value <= target else " ✗"
    return text


def table(results: list[dict[str, object]], render: dict[str, object] | None, info: dict[str, str], schema: str) -> str:
    lines = [
        f"date {info['date']} · {info['nproc']} cores · {info['cpu']} · Python {info['python']} · Linux {info['kernel']}",
        f"schema: {schema}",
        f"load average (1, 5, 15 min) at the start: {info['load']}, at the end: {info.get('load_end', '?')}"
        + ("  ⚠ the machine was busy: wall times are noisy, compare the CPU column" if _busy(info) else ""),
        "",
        "| files | command | wall (median, s) | CPU (s) | peak RSS (MiB) | tree PSS (MiB) | shingikai ÷ this, wall | shingikai ÷ this, CPU |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        tools = result["tools"]  # type: ignore[index]
        ratios = result["ratios"]  # type: ignore[index]
        cpu_ratios = result["cpu_ratios"]  # type: ignore[index]
        for name, t in tools.items():  # type: ignore[union-attr]
            ratio = "" if name == "shingikai" else fmt_ratio(ratios[name])
            cpu_ratio = "" if name == "shingikai" else fmt_ratio(cpu_ratios[name])
            lines.append(
                f"| {result['files']:,} | {name} | {t['wall']:.3f} | {t['cpu']:.3f} | "
                f"{t['maxrss_mib']:.1f} | {t['tree_pss_mib']:.1f} | {ratio} | {cpu_ratio} |"
            )
    if render is not None:
        if render.get("available"):
            lines.append(
                f"| {render['files']:,} | shingikai render → dir ({render['outputs']} files) | {render['wall']:.3f} | "
                f"{render['cpu']:.3f} | {render['maxrss_mib']:.1f} | {render['tree_pss_mib']:.1f} | | |"
            )
        else:
            lines.append(f"| 1,000 | render: ({render['reason']}) | | | | | | |")
    by_count = {str(r["files"]): r for r in results}
    lines += ["", "Targets (issue 11, item 7), ratios measured in this run:", ""]
    lines.append("| target | measured (wall) | limit | | (same ratio in CPU time) |")
    lines.append("|---|---:|---:|---|---:|")
    for count, limit in TARGETS.items():
        if count in by_count:
            value = by_count[count]["ratios"]["check-jsonschema"]  # type: ignore[index]
            cpu = by_count[count]["cpu_ratios"]["check-jsonschema"]  # type: ignore[index]
            lines.append(f"| {int(count):,} file(s): shingikai ÷ check-jsonschema | {value:.3f}× | ≤ {limit}× | {'pass' if value <= limit else 'FAIL'} | {cpu:.3f}× |")
    if "1" in by_count:
        stack = next(name for name in by_count["1"]["tools"] if name.startswith("stack"))  # type: ignore[union-attr]
        added = by_count["1"]["differences_ms"][stack]  # type: ignore[index]
        verdict = "pass" if added <= STACK_BUDGET_MS else "FAIL"
        lines.append(f"| 1 file: what shingikai adds to `{STACK}` (median paired difference) | {added:.0f} ms | ≤ {STACK_BUDGET_MS:.0f} ms | {verdict} | |")
        minimal = by_count["1"]["differences_ms"]["a minimal Typer command (bench/typer_command.py)"]  # type: ignore[index]
        typer_itself = added - minimal
        lines.append(f"| (reference) 1 file: what a minimal Typer command adds to `{STACK}` | {typer_itself:.0f} ms | | | |")
        lines.append(f"| (reference) 1 file: what shingikai adds to a minimal Typer command | {minimal:.0f} ms | | | |")
    if "10000" in by_count:
        value = by_count["10000"]["ratios"]["floor-2core"]  # type: ignore[index]
        cpu = by_count["10000"]["cpu_ratios"]["floor-2core"]  # type: ignore[index]
        lines.append(f"| 10,000 files: shingikai ÷ two-core floor | {value:.3f}× | ≤ 2× | {'pass' if value <= 2 else 'FAIL'} | {cpu:.3f}× |")
    if "10000" in by_count and "1000" in by_count:
        for command in ("shingikai", "shingikai (directory)", "floor"):
            for metric, label in (("maxrss_mib", "peak RSS"), ("tree_pss_mib", "tree PSS")):
                big = by_count["10000"]["tools"][command][metric]  # type: ignore[index]
                small = by_count["1000"]["tools"][command][metric]  # type: ignore[index]
                value = big / small if small else float("nan")
                verdict = ("pass" if value <= 1.2 else "FAIL") if command.startswith("shingikai") else "(reference)"
                lines.append(f"| memory, 10,000 ÷ 1,000 files, {command} ({label}) | {value:.3f}× | ≤ 1.2× | {verdict} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="shingikai benchmark (issue 7)")
    parser.add_argument("--sets", default="1,1000,10000")
    parser.add_argument("--rounds-one", type=int, default=15, help="rounds for the 1-file set (≥5)")
    parser.add_argument("--rounds-small", type=int, default=5, help="rounds for the 1,000 set (≥5)")
    parser.add_argument("--rounds-large", type=int, default=3, help="rounds for the 10,000 set (≥3)")
    parser.add_argument("--render-rounds", type=int, default=3)
    parser.add_argument("--no-render", action="store_true")
    parser.add_argument("--no-stages", action="store_true")
    parser.add_argument("--json", type=Path, default=generate.DATA / "last-run.json")
    args = parser.parse_args()
    counts = [int(c) for c in args.sets.split(",")]

    for tool in (SHINGIKAI, PYTHON, CHECK_JSONSCHEMA):
        if not tool.exists():
            raise SystemExit(f"missing {tool}: run `make bench` (it builds .venv and bench/.venv-tools)")
    for count in counts:
        written = generate.generate(count)
        print(f"bench/data/{count}: {'generated' if written else 'up to date'}", file=sys.stderr)

    info = machine()
    schema = schema_state()
    results = []
    for count in counts:
        rounds = args.rounds_large if count >= 10000 else args.rounds_small if count > 1 else args.rounds_one
        results.append(run_set(count, rounds))
    render = None
    if not args.no_render and 1000 in counts:
        print("  render of the 1,000 set …", file=sys.stderr, flush=True)
        render = run_render(1000, args.render_rounds)

    info["load_end"] = loadavg()
    report = table(results, render, info, schema)
    print(report)
    stages = None
    if not args.no_stages and 10000 in counts:
        print("\nStage shares, 10,000 files, one process (bench/stages.py):\n", flush=True)
        done = subprocess.run([str(PYTHON), str(HERE / "stages.py"), "--rules", str((generate.DATA / "10000").relative_to(ROOT))],
                              cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"bench/stages.py failed:\n{done.stderr}")
        stages = done.stdout
        print(done.stdout.rstrip())
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(
            {"machine": info, "schema": schema, "sets": results, "render": render, "stages": stages,
             "table": report}, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
