"""The engine's sha256 manifest: a bake copies the engine byte for byte, and `check` says so.

Also the template's tool itself: `--check` names the engine files a stale manifest gets wrong.
"""

import hashlib
import json
import shutil
import subprocess
import sys

from conftest import DEFAULT_MODULE, TEMPLATE_DIR, project_env

ENGINE = "src/{{cookiecutter.module_name}}_engine"
TOOL = TEMPLATE_DIR / "tools" / "engine_manifest.py"


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_default_bake_copies_every_engine_file_as_the_manifest_lists_it(bake_once):
    result = bake_once()
    assert result.exit_code == 0, result.exception
    engine = result.project_path / "src" / f"{DEFAULT_MODULE}_engine"
    shipped = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / ENGINE
    manifest = json.loads((engine / "engine-manifest.json").read_text(encoding="utf-8"))
    assert (engine / "engine-manifest.json").read_bytes() == (shipped / "engine-manifest.json").read_bytes()
    baked = sorted(p.relative_to(engine).as_posix() for p in engine.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.name != "engine-manifest.json")
    assert baked == sorted(manifest["files"])  # nothing dropped or added by the bake
    changed = [name for name, digest in manifest["files"].items() if sha256(engine / name) != digest]
    assert changed == []  # cookiecutter renders .py files as Jinja: this proves it left every byte alone


def test_check_in_a_fresh_bake_says_the_engine_is_as_shipped(bake_once):
    project = bake_once().project_path
    result = subprocess.run([sys.executable, "-m", DEFAULT_MODULE, "check"], cwd=project, env=project_env(project),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    version = json.loads((project / "src" / f"{DEFAULT_MODULE}_engine/engine-manifest.json").read_text())["engine"]
    assert version == "1.0.0"
    lines = [line for line in result.stdout.splitlines() if line.startswith("engine:")]
    assert len(lines) == 1 and lines[0].startswith(f"engine: {DEFAULT_MODULE}_engine {version}, ")
    assert lines[0].endswith(" files as the template shipped them")


def test_the_tool_names_stale_files_and_rewrites_the_manifest(tmp_path):
    engine = tmp_path / "{{cookiecutter.project_slug}}" / ENGINE
    shutil.copytree(TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / ENGINE, engine,
                    ignore=shutil.ignore_patterns("__pycache__"))

    def tool(*args):
        return subprocess.run([sys.executable, str(TOOL), "--root", str(tmp_path), *args],
                              capture_output=True, text=True, timeout=60)

    assert tool("--check").returncode == 0
    with (engine / "models/nets.py").open("a", encoding="utf-8") as f:
        f.write("# a template fix\n")
    (engine / "figures/figtext.py").unlink()
    stale = tool("--check")
    assert stale.returncode == 1
    assert "out of date for: figures/figtext.py, models/nets.py; run `make manifest`" in stale.stdout
    before = json.loads((engine / "engine-manifest.json").read_text(encoding="utf-8"))
    assert tool().returncode == 0 and tool("--check").returncode == 0
    after = json.loads((engine / "engine-manifest.json").read_text(encoding="utf-8"))
    assert after["files"]["models/nets.py"] == sha256(engine / "models/nets.py") != before["files"]["models/nets.py"]
    assert "figures/figtext.py" not in after["files"]
    (engine / "engine-manifest.json").unlink()
    assert "engine-manifest.json is missing" in tool("--check").stdout
