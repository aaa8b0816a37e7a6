"""Checks on the template repository itself, not on a baked project."""

import subprocess
import sys

from conftest import TEMPLATE_DIR

ROOT = TEMPLATE_DIR


def test_notebooks_match_their_sources():
    # The .ipynb files are built from notebooks-src/; an edit to one side only is caught here.
    result = subprocess.run(
        [sys.executable, "tools/build_notebooks.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_engine_manifest_matches_the_engine():
    # engine-manifest.json lists every engine file's sha256; an engine edit without `make manifest` is caught here.
    result = subprocess.run(
        [sys.executable, "tools/engine_manifest.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_template_code_passes_ruff():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_api_page_matches_the_engine():
    # API.md is written from the engine's api.py and docstrings; an edit to one side only is caught here.
    result = subprocess.run(
        [sys.executable, "tools/api_page.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
