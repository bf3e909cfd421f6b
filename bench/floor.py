"""The floor of one lint pass: what any Python linter of this format must at least do.

    python bench/floor.py [--jobs N] PATH...

For each file: read the bytes, decode UTF-8, `yaml.compose(text, Loader=CSafeLoader)`
(libyaml; the node tree keeps every start/end position), turn the node tree into
plain data, and validate it with a minimal pydantic model (the top-level keys and
types only). No rules, no messages, no reporter. Prints one line: files and how
many failed the minimal model (0 for the generated sets).

`--jobs 2` spreads chunks of files over a process pool: the "two-core floor".
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

# As lean as it can be at start-up too: no scan of installed packages for pydantic
# plugins (the documented switch), no process pool unless it is used.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import yaml  # noqa: E402
from pydantic import BaseModel, ConfigDict, ValidationError  # noqa: E402
from yaml.nodes import MappingNode, ScalarNode, SequenceNode  # noqa: E402

CHUNK = 250


class Section(BaseModel):
    model_config = ConfigDict(extra="allow")

    items: list[str] = []
    other_items: list[str] = []


class MiniCase(BaseModel):
    model_config = ConfigDict(extra="allow")

    version: int
    kind: str
    title: str
    bases: list[str]
    departments: list[str]
    business_name: str
    summary: str
    period: str
    volume: str
    indirect_collection: Section | None = None
    secondary_use: Section | None = None
    external_provision: Section | None = None
    record_items: Section | None = None
    linkage: dict[str, str] | None = None
    attachments: list[dict[str, str]] = []
    remarks: str | None = None


def data(node: Any) -> Any:
    if isinstance(node, ScalarNode):
        value = node.value
        return int(value) if node.tag.endswith(":int") else value
    if isinstance(node, SequenceNode):
        return [data(item) for item in node.value]
    if isinstance(node, MappingNode):
        return {key.value: data(value) for key, value in node.value}
    return None


def check(path: str) -> bool:
    with open(path, "rb") as stream:
        text = stream.read().decode("utf-8")
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    try:
        MiniCase.model_validate(data(root))
    except ValidationError:
        return False
    return True


def check_chunk(paths: list[str]) -> int:
    return sum(not check(path) for path in paths)


def files_of(paths: list[str]) -> list[str]:
    found: list[str] = []
    for given in paths:
        if os.path.isdir(given):
            found.extend(sorted(str(p) for p in Path(given).rglob("*.y*ml")))
        else:
            found.append(given)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description="parse + model floor")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    files = files_of(args.paths)
    if args.jobs > 1 and len(files) > CHUNK:
        from concurrent.futures import ProcessPoolExecutor

        chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            failed = sum(pool.map(check_chunk, chunks))
    else:
        failed = check_chunk(files)
    print(f"{len(files)} files, {failed} failed the minimal model")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
