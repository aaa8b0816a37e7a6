"""Write API.md, the one page of the names the notebooks import from the engine, from the engine itself.

Each name of the engine's api.NAMES and api.MODULES is listed under the concern of the module that
holds it, with the first line of its docstring. `--check` exits 1 when the committed page differs from
what the engine gives (tests/bake/test_repo.py runs it), so the page never drifts from the code.

Run from the template's root:  .venv/bin/python tools/api_page.py [--check]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "{{cookiecutter.project_slug}}"
ENGINE_DIR = PROJECT / "src" / "{{cookiecutter.module_name}}_engine"
PAGE = PROJECT / "API.md"
ALIAS = "apipage_engine"  # the engine imported under a plain name (its folder's name is a Jinja placeholder)
CONCERNS = {  # the engine's top-level folders, in the order a study meets them
    "runner": "Runs", "common": "Common", "settings": "Settings", "data": "Data and provenance",
    "splits": "Splits", "models": "Models and training", "tuning": "Tuning", "evaluation": "Evaluation",
    "interpretation": "Interpretation", "ethics": "Ethics", "reports": "Reports", "figures": "Figures",
}
HEAD = """# The engine's public API

The notebooks import these names, and only these, from the engine package
`{{ cookiecutter.module_name }}_engine`, for example

```python
from {{ cookiecutter.module_name }}_engine import Run, plots
```

Each name is loaded when it is first used, so a notebook that trains no network imports no PyTorch.
Everything that differs by modality or task is reached through the run: `run.modality` and
`run.task` (see ARCHITECTURE.md). The engine belongs to the template: write your own code in
`src/{{ cookiecutter.module_name }}/`. This page is generated from the engine (`tools/api_page.py`
in the template); the project's tests check it lists exactly the names the engine exports.
"""


def load_engine():
    """Import the template's engine under a plain package name."""
    if ALIAS in sys.modules:
        return sys.modules[ALIAS]
    spec = importlib.util.spec_from_file_location(ALIAS, ENGINE_DIR / "__init__.py",
                                                  submodule_search_locations=[str(ENGINE_DIR)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[ALIAS] = package
    spec.loader.exec_module(package)
    return package


def summary(name, obj, about) -> str:
    """The first line of an object's docstring, or for a constant what api.ABOUT says it means."""
    if inspect.isclass(obj) or inspect.isroutine(obj) or inspect.ismodule(obj):
        doc = inspect.getdoc(obj)
        if not doc:
            raise SystemExit(f"{name} has no docstring; give it one line that says what it is")
        return doc.splitlines()[0]
    if name not in about:
        raise SystemExit(f"constant {name} is not described in api.ABOUT")
    return f"{about[name]} ({type(obj).__name__})"


def page() -> str:
    """The whole page, names grouped by concern, each concern's names in alphabetical order."""
    engine = load_engine()
    api = importlib.import_module(f"{ALIAS}.api")
    where = {**api.NAMES, **api.MODULES}
    lines = [HEAD]
    for folder, title in CONCERNS.items():
        names = sorted((n for n, module in where.items() if module.split(".")[0] == folder), key=str.lower)
        if not names:
            continue
        lines += [f"## {title}", "", "| name | from | what it is |", "|---|---|---|"]
        for name in names:
            kind = "module" if name in api.MODULES else ""
            text = summary(name, getattr(engine, name), api.ABOUT).replace("|", "\\|")
            lines.append(f"| `{name}` | `{where[name]}`{' (module)' if kind else ''} | {text} |")
        lines.append("")
    unplaced = sorted(n for n, module in where.items() if module.split(".")[0] not in CONCERNS)
    if unplaced:
        raise SystemExit(f"api names from folders the page does not list: {unplaced}; add them to CONCERNS")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report a stale API.md instead of writing it")
    args = parser.parse_args(argv)
    text = page()
    if args.check:
        current = PAGE.read_text(encoding="utf-8") if PAGE.is_file() else None
        if current != text:
            print(f"{PAGE.relative_to(ROOT)} is out of date with the engine's api.py; run `make api`")
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
