"""The sdist and an editable install, each in a fresh virtual environment, lint and render.

The rest of the suite runs the wheel that `make test` installs. These install shingikai
the two other ways, from a copy of the working tree, into environments that see nothing
of the suite's (no system site-packages), and run the installed command outside the
checkout: templates that a wheel carries but the other installs miss show here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checkout import copy_checkout

pytestmark = pytest.mark.slow

SEED = "cases/koseki-cloud.yaml"
HEADING = "<h1>狛江市個人情報保護審議会付議案件シート</h1>"
# What the suite's own environment would leak into the fresh one.
_SUITE_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")


def _clean_environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in _SUITE_VARIABLES}


def _run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=_clean_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _fresh_environment(directory: Path, *requirement: str | Path) -> Path:
    """A new virtual environment with `requirement` installed (and its dependencies, from
    the package index); the path of its `shingikai` command."""
    # Without pip of its own: the suite's pip installs into it (`--python`), which spares
    # seconds per environment and leaves the environment as fresh.
    created = _run(sys.executable, "-m", "venv", "--without-pip", directory)
    assert created.returncode == 0, created.stderr
    python = directory / "bin" / "python"
    installed = _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", *requirement)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return directory / "bin" / "shingikai"


def _lints_and_renders(shingikai: Path, source: Path, outside: Path) -> str:
    """Run the installed command from `outside` the checkout on a seed case: the HTML."""
    outside.mkdir()
    case = source / SEED
    linted = _run(shingikai, "lint", case, cwd=outside)
    assert (linted.returncode, linted.stdout, linted.stderr) == (0, "", "")
    rendered = _run(shingikai, "render", case, "-o", "sheet.html", cwd=outside)
    assert rendered.returncode == 0, rendered.stderr
    html = (outside / "sheet.html").read_text(encoding="utf-8")
    assert HEADING in html
    return html


def test_an_editable_install_lints_renders_and_uses_the_checkouts_templates(tmp_path: Path) -> None:
    source = copy_checkout(tmp_path / "checkout")
    shingikai = _fresh_environment(tmp_path / "venv", "--editable", source)
    _lints_and_renders(shingikai, source, tmp_path / "elsewhere")

    # Editable means the checkout's templates are read, not a copy made at install time.
    template = source / "templates" / "sheet.html.j2"
    template.write_text(
        template.read_text(encoding="utf-8").replace("<main>", "<main>\n<p>編集中のテンプレート</p>", 1),
        encoding="utf-8",
    )
    html = _lints_and_renders(shingikai, source, tmp_path / "after-the-edit")
    assert "<p>編集中のテンプレート</p>" in html


def test_an_install_from_the_sdist_lints_and_renders(tmp_path: Path) -> None:
    source = copy_checkout(tmp_path / "checkout")
    built = _run(sys.executable, "-m", "build", "--sdist", "--outdir", tmp_path / "dist", source)
    assert built.returncode == 0, built.stdout + built.stderr
    [sdist] = (tmp_path / "dist").glob("shingikai-*.tar.gz")
    shingikai = _fresh_environment(tmp_path / "venv", sdist)
    _lints_and_renders(shingikai, source, tmp_path / "elsewhere")
