"""The benchmark of issue 14: `shingikai render --format pdf` against what a user does today,
rendering the HTML and printing it with headless Chromium.

    .venv/bin/python bench/pdf.py [--rounds 5] [--json FILE]

(`make bench` runs it after bench/run.py.) It generates, into bench/data/pdf/ (git-ignored),
a case repository of 24 cases from bench/generate.py's generator (cases 0–23 of its sets)
and a meeting that puts them on its agenda (諮問 under 諮問事項, 報告 under 報告事項), then
runs, as child processes, in paired rounds:

    one sheet (case 0):
      A  shingikai render CASE -o sheet.pdf
      B  shingikai render CASE -o sheet.html, then chromium --headless --print-to-pdf
    the packet of 24 sheets:
      A  shingikai render MEETING -o packet.pdf            (the sheets over both cores)
      B  chromium --headless --print-to-pdf of the same 24 sheets as one HTML document
         (the HTML made once beforehand: Chromium's time alone; the target's comparison)
      C  shingikai render MEETING -o DIR (the HTML), plus B: a reference, what the HTML
         route costs all told

Chromium runs with this machine's flags and a fresh --user-data-dir each time, as a user's
first print of the day would. Wall and CPU time as bench/run.py measures them (the CPU of
the child and of the processes it waited for), the median of the rounds and of each
round's ratio A ÷ B; the sizes of the files.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import SHINGIKAI, Run, machine  # noqa: E402
from run import measure as measure_with_memory  # noqa: E402

DATA = HERE / "data" / "pdf"
SHEETS = 24
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Issue 14, item 8.
TARGETS = {"sheet time": 1.0, "sheet size": 0.5, "packet time": 2.0}
# How long Chromium's leftover processes are waited for after its print.
LEFTOVER_TIMEOUT = 10.0


def repository() -> tuple[Path, Path]:
    """bench/data/pdf/: the 24 cases and the meeting (regenerated when generate.py changed)."""
    stamp = DATA / ".stamp"
    expected = f"{generate.generator_hash()} {SHEETS}\n"
    if not (stamp.exists() and stamp.read_text() == expected):
        shutil.rmtree(DATA, ignore_errors=True)
        (DATA / ".git").mkdir(parents=True)
        (DATA / "cases").mkdir()
        lists: dict[str, list[str]] = {"consultations": [], "reports": []}
        for index in range(SHEETS):
            text = generate.Case(index).build().replace("../../../schemas/", "../schemas/")
            name = f"case-{index:02d}.yaml"
            (DATA / "cases" / name).write_text(text, encoding="utf-8")
            kind = re.search(r"^kind: (\S+)$", text, re.MULTILINE)
            assert kind is not None
            lists["reports" if kind.group(1) == "報告" else "consultations"].append(f"  - case: ../cases/{name}\n")
        (DATA / "meetings").mkdir()
        meeting = (
            "version: 1\nkind: 会議\nfiscal_year: 令和6年度\nnumber: 2\ndate: 令和6年4月1日（月）\n"
            "place: 狛江市役所4階 特別会議室\n"
            + "".join(f"{key}:\n{''.join(items)}" for key, items in lists.items() if items)
        )
        (DATA / "meetings" / "bench.yaml").write_text(meeting, encoding="utf-8")
        stamp.write_text(expected)
    return DATA / "cases" / "case-00.yaml", DATA / "meetings" / "bench.yaml"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        sys.exit("bench/pdf.py: Chromium がありません（apt-get install chromium）")
    return found


def print_with_chromium(html: Path, pdf: Path, profile: Path) -> list[str]:
    return [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.as_uri()]


def one_document(site: Path, names: list[str], target: Path) -> None:
    """The sheets of `site` as one HTML document, each from a new page (their CSS once)."""
    texts = [(site / name).read_text(encoding="utf-8") for name in names]
    head = texts[0].split("<body>", 1)[0]
    bodies = [text.split("<body>", 1)[1].rsplit("</body>", 1)[0] for text in texts]
    pages = "".join(f'<div style="break-before: page">{body}</div>' for body in bodies)
    target.write_text(f"{head}<body>{pages}</body></html>\n", encoding="utf-8")


def measure(argv: list[str]) -> Run:
    """A command timed, its memory not sampled: this benchmark reports none, and the sampling
    (every process's smaps every 10 ms) slowed the packet's three processes by a fifth."""
    return measure_with_memory(argv, sample_memory=False)


def chromium_printed(html: Path, pdf: Path, profile: Path) -> Run:
    """Chromium's print, measured; then the wait for the processes it leaves behind (they
    outlive the command by a second or two, and would run beside the next command timed)."""
    run = checked(measure(print_with_chromium(html, pdf, profile)), "Chromium")
    deadline = time.monotonic() + LEFTOVER_TIMEOUT
    while time.monotonic() < deadline and any(str(profile).encode() in command for command in _command_lines()):
        time.sleep(0.05)
    return run


def _command_lines() -> list[bytes]:
    lines = []
    for process in Path("/proc").iterdir():
        if process.name.isdigit():
            try:
                lines.append((process / "cmdline").read_bytes())
            except OSError:
                continue
    return lines


def checked(run: Run, what: str) -> Run:
    if run.code != 0:
        sys.exit(f"bench/pdf.py: {what} が失敗しました（終了コード {run.code}）\n{run.stderr}")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    case, meeting = repository()
    info = machine()
    work = Path(tempfile.mkdtemp(prefix="shingikai-bench-pdf-"))
    try:
        # The 24 sheets as HTML, the way the packet orders them, for Chromium's one document.
        site = work / "site"
        checked(measure([str(SHINGIKAI), "render", str(meeting), "-o", str(site)]), "render → HTML")
        order = re.findall(r'href="(case-\d+\.html)"', (site / "index.html").read_text(encoding="utf-8"))
        assert len(order) == SHEETS, order
        document = work / "packet.html"
        one_document(site, order, document)
        names = ("sheet A", "sheet B", "packet A", "packet B", "packet C")
        rows: dict[str, list[tuple[float, float, int]]] = {name: [] for name in names}
        for number in range(args.rounds + 1):
            out = work / f"round-{number}"
            out.mkdir()
            sheet_a = checked(measure([str(SHINGIKAI), "render", str(case), "-o", str(out / "sheet.pdf")]), "render → PDF")
            html = checked(measure([str(SHINGIKAI), "render", str(case), "-o", str(out / "sheet.html")]), "render → HTML")
            printed = chromium_printed(out / "sheet.html", out / "chromium.pdf", out / "profile-1")
            packet_a = checked(measure([str(SHINGIKAI), "render", str(meeting), "-o", str(out / "packet.pdf")]), "render → PDF")
            packet_b = chromium_printed(document, out / "chromium-packet.pdf", out / "profile-2")
            pages = checked(measure([str(SHINGIKAI), "render", str(meeting), "-o", str(out / "site")]), "render → HTML")
            if number == 0:
                continue  # warm-up: page cache, .pyc, fontconfig's cache
            size = lambda name: (out / name).stat().st_size  # noqa: E731
            rows["sheet A"].append((sheet_a.wall, sheet_a.cpu, size("sheet.pdf")))
            rows["sheet B"].append(
                (html.wall + printed.wall, html.cpu + printed.cpu, size("chromium.pdf"))
            )
            rows["packet A"].append((packet_a.wall, packet_a.cpu, size("packet.pdf")))
            rows["packet B"].append((packet_b.wall, packet_b.cpu, size("chromium-packet.pdf")))
            rows["packet C"].append((pages.wall + packet_b.wall, pages.cpu + packet_b.cpu, size("chromium-packet.pdf")))
            shutil.rmtree(out / "profile-1", ignore_errors=True)
            shutil.rmtree(out / "profile-2", ignore_errors=True)
        end_load = machine()["load"]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def median(name: str, column: int) -> float:
        return statistics.median(row[column] for row in rows[name])

    def ratio(a: str, b: str, column: int) -> float:
        return statistics.median(x[column] / y[column] for x, y in zip(rows[a], rows[b]))

    measured = {
        "sheet time": ratio("sheet A", "sheet B", 0),
        "sheet size": ratio("sheet A", "sheet B", 2),
        "packet time": ratio("packet A", "packet B", 0),
    }
    lines = [
        f"date {info['date']} · {info['nproc']} cores · {info['cpu']} · Python {info['python']}",
        f"load average (1, 5, 15 min) at the start: {info['load']}, at the end: {end_load}"
        + ("  ⚠ the machine was busy: wall times are noisy, compare the CPU column" if float(info["load"].split()[0]) > 1 else ""),
        "",
        "| | route | wall (median, s) | CPU (s) | size (KiB) |",
        "|---|---|---:|---:|---:|",
    ]
    labels = {
        "sheet A": ("1 sheet", "shingikai render -o sheet.pdf"),
        "sheet B": ("1 sheet", "shingikai render -o sheet.html + chromium --print-to-pdf"),
        "packet A": (f"packet, {SHEETS} sheets", "shingikai render MEETING -o packet.pdf"),
        "packet B": (f"{SHEETS} sheets", "chromium --print-to-pdf of one HTML document"),
        "packet C": (f"{SHEETS} sheets", "shingikai render MEETING -o DIR (HTML) + the same Chromium print"),
    }
    for name, (what, route) in labels.items():
        lines.append(f"| {what} | {route} | {median(name, 0):.3f} | {median(name, 1):.3f} | {median(name, 2) / 1024:.0f} |")
    lines += ["", "| target (issue 14, item 8) | measured | limit | |", "|---|---:|---:|---|"]
    for name, limit in TARGETS.items():
        cpu = f" (CPU {ratio(*(('sheet A', 'sheet B') if name.startswith('sheet') else ('packet A', 'packet B')), 1):.2f}×)" if "time" in name else ""
        lines.append(f"| {name}: shingikai ÷ Chromium | {measured[name]:.2f}×{cpu} | ≤ {limit}× | {'pass' if measured[name] <= limit else 'FAIL'} |")
    lines.append(
        f"| (reference) packet: shingikai ÷ (HTML render + Chromium) | {ratio('packet A', 'packet C', 0):.2f}× | | |"
    )
    report = "\n".join(lines)
    print(report)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "rows": rows, "ratios": measured, "table": report}, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
