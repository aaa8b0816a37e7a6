"""Build the template's notebooks from their percent-format sources in notebooks-src/.

The sources are what people edit and review; the .ipynb files under the project template are
generated from them (`make notebooks`), with stable cell ids so rebuilding changes nothing.
`--check` exits 1 when a committed notebook differs from what its source builds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "notebooks-src"
TARGET = ROOT / "{{cookiecutter.project_slug}}" / "notebooks"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def build(source: Path) -> str:
    """The .ipynb text for one source file."""
    nb = jupytext.reads(source.read_text(encoding="utf-8"), fmt="py:percent")
    nb.metadata = {
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python", "pygments_lexer": "ipython3"},
    }
    for index, cell in enumerate(nb.cells):
        cell.id = f"{source.stem.replace('_', '-')}-{index:02d}"
        cell.metadata.pop("lines_to_next_cell", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.validate(nb)
    return nbformat.writes(nb, version=4) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale notebooks instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for source in sorted(SOURCES.glob("*.py")):
        target = TARGET / f"{source.stem}.ipynb"
        text = build(source)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if text != current:
            stale.append(target.name)
            if not args.check:
                target.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"notebooks out of date with notebooks-src/: {', '.join(stale)}; run `make notebooks`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
