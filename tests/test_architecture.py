"""The package's shape: imports go one way, from the CLI down to loading, with no cycle
(imports inside functions count), and nothing in it patches another library or the
interpreter. Read from the source with `ast`, so an import that runs only on some path
is seen as well."""

from __future__ import annotations

import ast
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO

SOURCE = REPO / "src" / "shingikai"

# Bottom to top: a module may import from its own layer and the layers below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "shingikai",
        "shingikai.errors",
        "shingikai.findings",
        "shingikai.files",
        "shingikai.suggest",
        "shingikai.resources",
        "shingikai.repository",
    ),
    ("shingikai.loading",),
    ("shingikai.model",),
    ("shingikai.rules",),
    ("shingikai.lint",),
    ("shingikai.reporters",),
    ("shingikai.render",),
    ("shingikai.register",),
    ("shingikai.scaffold",),
    ("shingikai.cli", "shingikai.__main__"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def layer_of(module: str) -> int:
    for index, layer in enumerate(LAYERS):
        for name in layer:
            # A top-level module names itself; a package its modules too.
            if module == name or (name != "shingikai" and module.startswith(name + ".")):
                return index
    raise AssertionError(f"{module} is in no layer of LAYERS")


def imported(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """(shingikai module, line) of every import in the file, at any depth."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # `from . import x` imports the module x when there is one.
            names = [f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in MODULES else prefix for alias in node.names]
        else:
            continue
        for name in names:
            if name == "shingikai" or name.startswith("shingikai."):
                yield name, node.lineno


GRAPH = {module: {target for target, _ in imported(module, path) if target != module} for module, path in MODULES.items()}


def test_every_module_is_in_a_layer():
    for module in MODULES:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_the_layers(module):
    upward = [
        f"{module}:{line} imports {target}"
        for target, line in imported(module, MODULES[module])
        if target in MODULES and layer_of(target) > layer_of(module)
    ]
    assert upward == []


def test_no_import_cycle():
    # Tarjan's strongly connected components over the module graph.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in GRAPH[module]:
            if target not in MODULES:
                continue
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    assert cycles == []


def test_every_rule_module_is_collected():
    from shingikai import rules

    modules = {info.name for info in pkgutil.iter_modules([str(SOURCE / "rules")])} - {"registry"}
    assert modules == {module.__name__.rpartition(".")[2] for module in rules.RULE_MODULES}


def calls(tree: ast.AST) -> Iterator[ast.Call]:
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_hacks(module):
    """Nothing assigns into sys.modules or sys.argv, imports modules by string, or reaches
    into a private module or attribute of the libraries the CLI and models build on."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
        for target in targets:
            text = ast.unparse(target)
            if text.startswith(("sys.modules", "sys.argv", "sys.orig_argv")):
                found.append(f"{node.lineno}: {text}")
        if isinstance(node, ast.ImportFrom | ast.Import):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for name in names:
                root, *rest = name.split(".")
                if root in ("argparse", "click", "typer", "pydantic") and any(p.startswith("_") for p in rest):
                    found.append(f"{node.lineno}: import of {name}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = ast.unparse(node.value)
            if owner.split(".")[0] in ("argparse", "click", "typer", "pydantic"):
                found.append(f"{node.lineno}: {owner}.{node.attr}")
    for call in calls(tree):
        if ast.unparse(call.func) in ("importlib.import_module", "__import__", "import_module"):
            found.append(f"{call.lineno}: {ast.unparse(call)}")
    found += inherited_private_attributes(tree)
    assert found == []


LIBRARY_NAMES = frozenset({"argparse", "click", "typer", "pydantic", "BaseModel", "TyperGroup", "TyperCommand"})


def inherited_private_attributes(tree: ast.AST) -> Iterator[str]:
    """`self._x` in a subclass of a library class, where the class itself never defines `_x`."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {ast.unparse(base).split(".")[0] for base in node.bases} | {ast.unparse(b) for b in node.bases}
        if not bases & LIBRARY_NAMES:
            continue
        own = {item.name for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)}
        own |= {
            target.attr
            for item in ast.walk(node)
            if isinstance(item, ast.Assign)
            for target in item.targets
            if isinstance(target, ast.Attribute)
        }
        for item in ast.walk(node):
            if (
                isinstance(item, ast.Attribute)
                and ast.unparse(item.value) == "self"
                and item.attr.startswith("_")
                and not item.attr.startswith("__")
                and item.attr not in own
            ):
                yield f"{item.lineno}: self.{item.attr} of {node.name}"
