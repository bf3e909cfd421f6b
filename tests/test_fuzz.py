"""Property: whatever the bytes, lint answers with findings that have positions, and render
writes every sheet or none — never a traceback.

Valid cases are mutated (lines deleted, duplicated, swapped, re-indented; random bytes;
deep nesting; huge scalars; wrong types in every key; NUL, lone surrogates, bidi
controls, full-width spaces) and given to the real CLI, several files per run.
`make test` runs a modest number of examples; `make fuzz` sets SHINGIKAI_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import os
import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CASES, MINIMAL, run

EXAMPLES = int(os.environ.get("SHINGIKAI_FUZZ_EXAMPLES", "20"))
SEEDS = [MINIMAL, *(path.read_text(encoding="utf-8") for path in sorted(CASES.glob("*.yaml")))]
CODES = {line.split()[0] for line in run("rules").lines()[1:]}
KEY_LINE = re.compile(r"^(\s*-?\s*[A-Za-z_]+:)(.*)$")
WRONG_VALUES = ["[1, 2]", "{a: b}", "123", "true", "~", '""', "!!str 1", "&x [*x]", "'", "[[[[", "- a", "|"]
ODD_TEXT = ["\x00", "\ud800", "\u202e", "\u3000", "\ufeff", "\t", "\r", "\x85", "\u2028", "：", "#", "&a", "*a", "!", "%", "@"]


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


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 50,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(files=st.lists(mutated(), min_size=1, max_size=4))
def test_lint_and_render_never_crash_and_every_finding_has_a_position(tmp_path_factory, files):
    directory = tmp_path_factory.mktemp("fuzz")
    for index, content in enumerate(files):
        (directory / f"case{index}.yaml").write_bytes(content)
    started = time.perf_counter()
    result = run("lint", "--format", "json", directory)
    elapsed = time.perf_counter() - started
    assert result.code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    report = result.json()
    assert report["files"] == len(files)
    for finding in report["findings"]:
        assert finding["code"] in CODES
        assert finding["line"] >= 1 and finding["column"] >= 1
        assert (finding["end_line"], finding["end_column"]) >= (finding["line"], finding["column"])
        assert finding["message"] and not finding["message"].isascii()
    assert elapsed < 5 + 2 * len(files)

    output = directory / "site"
    rendered = run("render", "--force", directory, "-o", output)
    assert rendered.code in (0, 1, 2), rendered.stderr
    assert "Traceback" not in rendered.stderr
    written = sorted(p.name for p in output.iterdir()) if output.exists() else []
    if rendered.code == 0:
        assert written == sorted([f"case{index}.html" for index in range(len(files))] + ["index.html"])
    else:
        # All or nothing: a run that did not succeed wrote no sheet and left no temporary file.
        assert written == []
