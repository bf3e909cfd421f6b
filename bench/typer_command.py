"""A reference for the one-file row of bench/run.py: the smallest Typer CLI of shingikai's
stack, one `lint` command with lint's parameter kinds (a list of paths, a choice, a flag),
given one path, doing nothing with it.

Typer 0.29 coerces each parameter through a pydantic `TypeAdapter`; building the first
imports pydantic's schema machinery and its plugin loader (`importlib.metadata`), which
`import yaml, pydantic, typer` alone does not. This row shows what that costs before
shingikai does anything.
"""

from typing import Annotated

import pydantic  # noqa: F401  (the stack, as the stack row imports it)
import typer
import yaml  # noqa: F401

app = typer.Typer()


@app.command()
def lint(
    paths: list[str],
    output_format: Annotated[str, typer.Option("--format")] = "text",
    strict: Annotated[bool, typer.Option("--strict")] = False,
) -> None:
    """Nothing: the reference is the start-up."""


if __name__ == "__main__":
    typer.main.get_command(app).main(standalone_mode=False)
