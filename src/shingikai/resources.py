"""Where the shipped templates are.

The repository keeps `templates/` at its top, beside `src/`. A wheel (and so an sdist,
which builds one) copies it into the package as `shingikai/templates`; an editable
install runs the package from `src/shingikai`, where there is no copy, so the directory
is found at the top of the source checkout instead.
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
