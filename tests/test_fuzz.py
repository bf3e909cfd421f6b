"""Property: whatever the bytes, lint answers with findings that have positions, and render
writes every sheet or none — never a traceback.

Valid cases are mutated (lines deleted, duplicated, swapped, re-indented; random bytes;
deep nesting; huge scalars; wrong types in every key; NUL, lone surrogates, bidi
controls, full-width spaces), several files per example.

The property runs the pipeline in-process (collect → plan → lint_file, every reporter,
admit → publish), so that many examples fit in little time: `make test` runs
SHINGIKAI_FUZZ_EXAMPLES' default, `make fuzz` many more. A few examples go through the
real `shingikai` command as well, which must agree with the pipeline: the same findings,
the same files written, and exit codes 0, 1 and 2 where the pipeline predicts them.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from conftest import CASES, MINIMAL, run
from shingikai import rules
from shingikai.errors import Blocked, ShingikaiError
from shingikai.findings import Severity
from shingikai.lint import pipeline
from shingikai.lint.config import ConfigResolver
from shingikai.lint.shelf import Shelf
from shingikai.render.publish import Destination, admit, publish
from shingikai.render.templates import FORMATS, Renderer
from shingikai.reporters import REPORTERS
from shingikai.reporters.base import Totals

EXAMPLES = int(os.environ.get("SHINGIKAI_FUZZ_EXAMPLES", "400"))
# Every example the same on every run and machine: a failure in CI fails again at home.
REPRODUCIBLE = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEEDS = [MINIMAL, *(path.read_text(encoding="utf-8") for path in sorted(CASES.glob("*.yaml")))]
KEY_LINE = re.compile(r"^(\s*-?\s*[A-Za-z_]+:)(.*)$")
WRONG_VALUES = ["[1, 2]", "{a: b}", "123", "true", "~", '""', "!!str 1", "&x [*x]", "'", "[[[[", "- a", "|"]
ODD_TEXT = ["\x00", "\ud800", "\u202e", "\u3000", "\ufeff", "\t", "\r", "\x85", "\u2028", "：", "#", "&a", "*a", "!", "%", "@"]
# What YAML counts as a line break: no finding lies beyond the last line.
LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


@st.composite
def mutated(draw) -> bytes:
    lines = draw(st.sampled_from(SEEDS)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            lines = [""]
        at = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "wrong", "odd", "deep", "huge", "bytes"]))
        if operation == "delete":
            del lines[at]
        elif operation == "duplicate":
            lines.insert(at, lines[at])
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif operation == "indent":
            lines[at] = " " * draw(st.integers(0, 6)) + lines[at].lstrip(" ")
        elif operation == "wrong":
            match = KEY_LINE.match(lines[at])
            if match:
                lines[at] = f"{match.group(1)} {draw(st.sampled_from(WRONG_VALUES))}"
        elif operation == "odd":
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + draw(st.sampled_from(ODD_TEXT)) + lines[at][column:]
        elif operation == "deep":
            depth = draw(st.integers(10, 3000))
            lines.insert(at, "deep: " + "[" * depth + "]" * depth)
        elif operation == "huge":
            lines.insert(at, "remarks: " + "長" * draw(st.integers(10_000, 400_000)))
        else:
            lines.insert(at, draw(st.binary(min_size=1, max_size=40)).decode("latin-1"))
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


FILES = st.lists(mutated(), min_size=1, max_size=4)


def write_cases(directory: Path, files: list[bytes]) -> None:
    for index, content in enumerate(files):
        (directory / f"case{index}.yaml").write_bytes(content)


def lint_in_process(directory: Path, files: list[bytes]) -> list[pipeline.FileResult]:
    """The lint pipeline as `shingikai lint DIRECTORY` runs it, each finding checked."""
    missing: list[str] = []
    found = list(pipeline.collect([str(directory)], missing.append))
    assert missing == []
    assert found == [str(directory / f"case{index}.yaml") for index in range(len(files))]
    results = []
    for job in pipeline.plan(found, ConfigResolver(None), None, []):
        result = pipeline.lint_file(job)
        assert result.display == job.path
        assert result.error is None, result.error
        text = Path(job.path).read_bytes().decode("utf-8", errors="replace")
        last_line = len(LINE_BREAK.split(text)) + 1
        for finding in result.findings:
            assert finding.path == job.path
            assert rules.get(finding.code) is not None, finding
            assert 1 <= finding.line <= last_line and finding.column >= 1, finding
            assert (finding.end_line, finding.end_column) >= (finding.line, finding.column), finding
            assert finding.message and not finding.message.isascii(), finding
        positions = [(f.line, f.column) for f in result.findings]
        assert positions == sorted(positions)
        results.append(result)
    return results


def report(results: list[pipeline.FileResult], name: str) -> str:
    """The results as `--format NAME` prints them, written strictly as UTF-8 (as stdout is)."""
    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="utf-8", errors="strict", newline="")
    reporter = REPORTERS[name](stream)
    totals = Totals()
    for result in results:
        totals.add(result)
        reporter.file(result)
    reporter.finish(totals)
    stream.flush()
    return buffer.getvalue().decode("utf-8")


@functools.cache
def renderer(output_format: str) -> Renderer:
    """The shipped templates of a format, compiled once for all examples."""
    return Renderer(output_format, None)


def render_in_process(source: Path, output: Path, output_format: str) -> Exception | None:
    """`shingikai render --force SOURCE -o OUTPUT`: None, or the project's error it stopped with."""
    notices: list[str] = []
    collection = pipeline.collect([str(source)], notices.append)
    files = list(collection)
    try:
        admitted = admit(files, collection.includes, ConfigResolver(None), Shelf(), force=True, notify=notices.append)
        publish(renderer(output_format), Destination.choose([source], output), admitted, single_meeting=False)
    except (Blocked, ShingikaiError) as error:
        assert str(error) and not str(error).isascii()
        return error
    assert all(isinstance(notice, str) and notice for notice in notices)
    return None


def written(output: Path) -> list[str]:
    return sorted(p.name for p in output.iterdir()) if output.exists() else []


def expected_outputs(count: int, output_format: str) -> list[str]:
    return sorted([f"case{index}.{output_format}" for index in range(count)] + [f"index.{output_format}"])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory for all examples, emptied before each: creating and removing
    directories would cost more than linting the files in them."""
    return tmp_path_factory.mktemp("fuzz")


def emptied(directory: Path) -> Path:
    directory.mkdir(exist_ok=True)
    for path in directory.iterdir():
        path.unlink()
    return directory


@settings(REPRODUCIBLE, max_examples=EXAMPLES)
@given(files=FILES, output_format=st.sampled_from(FORMATS))
def test_lint_and_render_never_crash_and_every_finding_has_a_position(workspace, files, output_format):
    directory = emptied(workspace / "cases")
    write_cases(directory, files)
    results = lint_in_process(directory, files)
    reports = {name: report(results, name) for name in REPORTERS}
    document = json.loads(reports["json"])
    assert document["files"] == len(files)
    assert len(document["findings"]) == sum(len(result.findings) for result in results)

    output = emptied(workspace / "site")
    stopped = render_in_process(directory, output, output_format)
    # Shown by `--hypothesis-show-statistics` (as `make fuzz` runs it): what the examples reached.
    event(f"render {output_format}: " + ("written" if stopped is None else type(stopped).__name__))
    for code in sorted({f.code for result in results for f in result.findings}):
        event(f"finding {code}")
    if stopped is None:
        assert written(output) == expected_outputs(len(files), output_format)
        return
    # All or nothing: a run that did not succeed wrote no sheet and left no temporary file.
    assert written(output) == []
    # One case that cannot be read stops them all: each is rendered on its own as well.
    for index in range(len(files)):
        alone = emptied(workspace / "alone")
        name = f"case{index}.{output_format}"
        stopped_alone = render_in_process(directory / f"case{index}.yaml", alone / name, output_format)
        event(f"render {output_format} alone: " + ("written" if stopped_alone is None else type(stopped_alone).__name__))
        assert written(alone) == ([name] if stopped_alone is None else [])


# Exit codes of the command: 0 clean, 1 findings (or a forced render blocked), 2 unreadable.
def lint_exit_code(results: list[pipeline.FileResult]) -> int:
    if any(result.error is not None for result in results):
        return 2
    return 1 if any(f.severity is Severity.ERROR for result in results for f in result.findings) else 0


def render_exit_code(stopped: Exception | None) -> int:
    return 0 if stopped is None else 1 if isinstance(stopped, Blocked) else 2


WITH_AN_ERROR = MINIMAL.replace("items: [住所]", "items: [電話]").encode("utf-8")


@settings(REPRODUCIBLE, max_examples=2)
@given(files=FILES, dangling=st.booleans(), exit_codes=st.none())
# One example per exit code (of lint, of render --force), whatever the generated ones give.
@example(files=[MINIMAL.encode("utf-8")], dangling=False, exit_codes=(0, 0))
@example(files=[WITH_AN_ERROR, b"- a list\n- not a case\n"], dangling=False, exit_codes=(1, 1))
@example(files=[MINIMAL.encode("utf-8")], dangling=True, exit_codes=(2, 2))
def test_the_command_agrees_with_the_pipeline(files, dangling, exit_codes):
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary) / "cases"
        directory.mkdir()
        write_cases(directory, files)
        if dangling:
            # A file nobody can read: lint says so and goes on; render writes nothing.
            (directory / f"case{len(files)}.yaml").symlink_to(Path(temporary) / "nowhere.yaml")
        found = list(pipeline.collect([str(directory)], lambda message: None))
        results = [pipeline.lint_file(job) for job in pipeline.plan(found, ConfigResolver(None), None, [])]

        linted = run("lint", "--format", "json", directory)
        assert linted.code == lint_exit_code(results), linted.stderr
        assert "Traceback" not in linted.stderr
        assert linted.json() == json.loads(report(results, "json"))
        for result in results:
            if result.error is not None:
                assert result.error in linted.stderr

        stopped = render_in_process(directory, Path(temporary) / "site-in-process", "html")
        rendered = run("render", "--force", directory, "-o", Path(temporary) / "site")
        assert rendered.code == render_exit_code(stopped), rendered.stderr
        assert "Traceback" not in rendered.stderr
        if stopped is not None:
            assert str(stopped) in rendered.stderr
        if exit_codes is not None:
            assert (linted.code, rendered.code) == exit_codes
        names = written(Path(temporary) / "site")
        assert names == written(Path(temporary) / "site-in-process")
        for name in names:
            command_wrote = (Path(temporary) / "site" / name).read_bytes()
            assert command_wrote == (Path(temporary) / "site-in-process" / name).read_bytes(), name
