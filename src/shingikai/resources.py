"""Where the shipped templates are.

The repository keeps `templates/` at its top, beside `src/`. A wheel, built from the
checkout or from the sdist, copies it into the package as `shingikai/templates`. An
editable install imports the package from `src/shingikai`, which has no copy, so the
directory is the one at the top of the checkout: edits to it show at once. (Hatchling's
editable wheel also puts a copy in site-packages; it is never read, as the package is
not imported from there.)
"""

from importlib.resources import files
from pathlib import Path

from .errors import ShingikaiError


def shipped_directory(name: str) -> Path:
    """The package's data directory `name`, from the installed package or the checkout."""
    packaged = Path(str(files("shingikai") / name))
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    raise ShingikaiError(f"shingikai のインストールに {name}/ がありません。shingikai をインストールし直してください")
