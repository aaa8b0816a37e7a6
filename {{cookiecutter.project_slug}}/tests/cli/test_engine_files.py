"""The engine against the sha256 manifest the template shipped: edited, missing and added files are named.

Every change is made in a copy of the engine folder; the installed package is never touched.
"""

import json
import shutil

import pytest

from {{ cookiecutter.module_name }}_engine import __version__
from {{ cookiecutter.module_name }}_engine.cli.engine_files import ENGINE_DIR, engine_line, engine_status
from {{ cookiecutter.module_name }}_engine.cli.engine_manifest import MANIFEST, engine_files
from {{ cookiecutter.module_name }}_engine.common.errors import LabError


@pytest.fixture
def engine(tmp_path):
    """A copy of this project's engine folder, without byte-code caches."""
    copy = tmp_path / "{{ cookiecutter.module_name }}_engine"
    shutil.copytree(ENGINE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_shipped_engine_matches_its_manifest():
    status = engine_status()
    assert (status.edited, status.missing, status.added) == ((), (), ())
    assert status.version == __version__
    assert status.listed == len(engine_files(ENGINE_DIR)) > 100  # every file, not a handful
    assert "cli/engine_files.py" in json.loads((ENGINE_DIR / MANIFEST).read_text())["files"]
    line = engine_line()
    assert line == f"engine: {{ cookiecutter.module_name }}_engine {__version__}, {status.listed} files as the template shipped them"


def test_an_edited_file_is_named_as_edited(engine):
    with (engine / "models/nets.py").open("a", encoding="utf-8") as f:
        f.write("# my own tweak\n")
    (engine / "__pycache__").mkdir(exist_ok=True)
    (engine / "__pycache__/stray.cpython-311.pyc").write_bytes(b"\0")  # caches are never counted
    status = engine_status(engine)
    assert status.edited == ("models/nets.py",) and status.missing == () and status.added == ()
    line = engine_line(engine)
    assert ": 1 file(s) differ from what the template shipped — models/nets.py (edited);" in line
    assert "src/{{ cookiecutter.module_name }}/" in line and "\n" not in line


def test_an_added_and_a_removed_file_are_named(engine):
    (engine / "extra.py").write_text("VALUE = 1\n", encoding="utf-8")
    (engine / "figures/figtext.py").unlink()
    status = engine_status(engine)
    assert status.added == ("extra.py",) and status.missing == ("figures/figtext.py",) and status.edited == ()
    assert "2 file(s) differ" in engine_line(engine)
    assert "figures/figtext.py (missing), extra.py (added)" in engine_line(engine)


@pytest.mark.parametrize("manifest", [None, "{not json", '{"files": {}}', '{"engine": "1.0.0", "files": [1]}'])
def test_a_missing_or_broken_manifest_is_one_sentence(engine, manifest):
    path = engine / MANIFEST
    if manifest is None:
        path.unlink()
    else:
        path.write_text(manifest, encoding="utf-8")
    with pytest.raises(LabError, match="restore it with `git checkout") as raised:
        engine_status(engine)
    assert str(path) in str(raised.value)
    line = engine_line(engine)
    assert line.startswith(f"engine: {{ cookiecutter.module_name }}_engine {__version__}: {path}")
    assert "\n" not in line and "Traceback" not in line
