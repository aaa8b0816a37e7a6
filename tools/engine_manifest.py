"""Write the engine's sha256 manifest, so a baked project's `check` can name engine files edited since.

The engine folder under the project template ships engine-manifest.json: its version (`__version__`
in its __init__.py) and every file's sha256, written by this tool (`make manifest`) with the rule
in the engine's own cli/engine_manifest.py. `--check` exits 1 when the committed manifest is stale.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = Path("{{cookiecutter.project_slug}}") / "src" / "{{cookiecutter.module_name}}_engine"
SHOWN = 20  # stale files named by --check; the rest are counted


def _manifest_rules(engine: Path):
    """The engine's cli/engine_manifest.py (standard library only), loaded from its file."""
    spec = importlib.util.spec_from_file_location("engine_manifest_rules", engine / "cli" / "engine_manifest.py")
    rules = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rules)
    return rules


def engine_version(engine: Path) -> str:
    """`__version__ = "…"` from the engine's __init__.py, read without importing the engine."""
    init = engine / "__init__.py"
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__version__" for t in targets):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return node.value.value
    raise SystemExit(f"{init} sets no __version__ = \"<version>\"; add one (e.g. \"1.0.0\") and rerun")


def stale_files(old: dict, new: dict) -> list[str]:
    """The engine files whose entry differs between two manifests (the version as 'engine version')."""
    old_files = old.get("files") if isinstance(old.get("files"), dict) else {}
    new_files = new["files"]
    stale = sorted(name for name in old_files.keys() | new_files.keys() if old_files.get(name) != new_files.get(name))
    return (["engine version"] if old.get("engine") != new["engine"] else []) + stale


def _what_is_stale(current: str | None, manifest: dict) -> str:
    """How the committed manifest falls short, naming up to SHOWN files."""
    if current is None:
        return "is missing"
    try:
        old = json.loads(current)
    except ValueError:
        return "is not valid JSON"
    names = stale_files(old if isinstance(old, dict) else {}, manifest) or ["its layout"]
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return f"is out of date for: {', '.join(names[:SHOWN])}{more}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report a stale manifest instead of writing it")
    parser.add_argument("--root", type=Path, default=ROOT, help="the template's folder (default: this one)")
    args = parser.parse_args(argv)
    engine = args.root.resolve() / ENGINE
    rules = _manifest_rules(engine)
    manifest = rules.build_manifest(engine, engine_version(engine))
    text = rules.manifest_text(manifest)
    target = engine / rules.MANIFEST
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if text == current:
        return 0
    if args.check:
        print(f"{target.relative_to(args.root.resolve())} {_what_is_stale(current, manifest)}; "
              "run `make manifest` (tools/engine_manifest.py) and commit it")
        return 1
    target.write_bytes(text.encode("utf-8"))  # "\n" line ends on every system: the bytes are what is hashed
    return 0


if __name__ == "__main__":
    sys.exit(main())
