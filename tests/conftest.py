"""Shared fixtures and the one list of paths every baked project must hold (DESIGN.md §1)."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
TEMPLATE_PROJECT_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"

# DESIGN.md §1, in order. The notebook names are part of the contract.
CONTRACT_NOTEBOOKS = (
    "00_question.ipynb",
    "01_data_provenance.ipynb",
    "02_baselines.ipynb",
    "03_architecture.ipynb",
    "04_tuning.ipynb",
    "05_overfitting.ipynb",
    "06_interpretation.ipynb",
    "07_ethics_register.ipynb",
)

# Every notebook the template ships: the contract's plus any extra ones found in the template.
SHIPPED_NOTEBOOKS = {p.name for p in TEMPLATE_PROJECT_DIR.glob("notebooks/*.ipynb")}
ALL_NOTEBOOKS = tuple(sorted(set(CONTRACT_NOTEBOOKS) | SHIPPED_NOTEBOOKS))

# Paths switched off by an answer (pruned by hooks/post_gen_project.py).
OPTIONAL_PATHS = {"LICENSE": ("license", "none"), ".github/workflows/ci.yml": ("ci", "none")}


def expected_paths(module_name):
    """Every path DESIGN.md §1 promises in a generated project with all options on."""
    return (
        "README.md",
        "pyproject.toml",
        "Makefile",
        "lab.yaml",
        "CITATION.cff",
        "LICENSE",
        ".pre-commit-config.yaml",
        ".github/workflows/ci.yml",
        ".gitignore",
        "data/manifest.yaml",
        *(f"notebooks/{name}" for name in CONTRACT_NOTEBOOKS),
        f"src/{module_name}/__init__.py",
        "tests",
        "reports",
        "ethics/register.yaml",
    )


DEFAULT_MODULE = "my_lab_project"
DEFAULT_SLUG = "my-lab-project"

# `{{` or `{%` left by Jinja; `${{ ... }}` is a GitHub Actions expression and allowed.
UNRENDERED_JINJA = re.compile(r"(?<!\$)\{\{|\{%")


def read_text_or_none(path):
    """The file's text, or None for binary files."""
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@pytest.fixture(scope="session", autouse=True)
def hook_scratch_dir(tmp_path_factory):
    """Keep the rendered hook scripts cookiecutter leaves in the temp folder out of /tmp."""
    scratch = tmp_path_factory.mktemp("hook_scripts")
    previous = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    yield scratch
    tempfile.tempdir = previous


@pytest.fixture(scope="session")
def bake_once(cookies_session):
    """Bake with these answers once per test session; later calls reuse the result."""
    cache = {}

    def bake(**answers):
        key = tuple(sorted(answers.items()))
        if key not in cache:
            cache[key] = cookies_session.bake(
                extra_context=dict(answers), template=str(TEMPLATE_DIR)
            )
        return cache[key]

    return bake


@pytest.fixture
def bake_fresh(cookies, tmp_path):
    """Bake into a fresh output folder; returns (result, output_root)."""

    def bake(**answers):
        result = cookies.bake(extra_context=dict(answers), template=str(TEMPLATE_DIR))
        return result, tmp_path / "cookies"

    return bake


@pytest.fixture(scope="session")
def cookiecutter_config(tmp_path_factory):
    """A user config that keeps replay files and clones out of the real home folder."""
    root = tmp_path_factory.mktemp("cc_user")
    config = root / "config.yaml"
    config.write_text(
        f"cookiecutters_dir: '{root / 'cookiecutters'}'\nreplay_dir: '{root / 'replay'}'\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def run_cli(cookiecutter_config, hook_scratch_dir, tmp_path):
    """Run the `cookiecutter` command line as a user would; returns (completed, output_dir)."""

    def run(**answers):
        output_dir = tmp_path / "cli_out"
        output_dir.mkdir(exist_ok=True)
        command = [
            sys.executable, "-m", "cookiecutter", "--no-input",
            "--config-file", str(cookiecutter_config),
            "--output-dir", str(output_dir),
            str(TEMPLATE_DIR),
            *(f"{key}={value}" for key, value in answers.items()),
        ]
        env = {**os.environ, "TMPDIR": str(hook_scratch_dir)}
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=120, env=env
        )
        return completed, output_dir

    return run
