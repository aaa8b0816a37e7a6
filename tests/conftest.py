"""Shared fixtures and the one list of paths every baked project must hold (DESIGN.md §1)."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# Bakes in these tests skip the post-generation `git init` (faster; test_first_run.py checks it on purpose).
os.environ.setdefault("BIODL_NO_GIT", "1")

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
        f"src/{module_name}/models.py",
        f"src/{module_name}_engine/__init__.py",
        f"src/{module_name}_engine/modalities/registry.py",
        f"src/{module_name}_engine/tasks/registry.py",
        "ARCHITECTURE.md",
        "API.md",
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
def env(cookiecutter_config, hook_scratch_dir):
    """The environment the template-update tests run git, cruft and a project in.

    A git identity for the test's commits, and BIODL_NO_GIT=1: `cruft update` renders the template
    twice in scratch folders and diffs them, and a git repository made there by the post-generation
    hook puts binary object files into that diff (cruft then stops with ChangesetUnicodeError).
    """
    identity = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
                for what, value in (("NAME", "Template Test"), ("EMAIL", "test@example.org"))}
    return {**os.environ, **identity, "COOKIECUTTER_CONFIG": str(cookiecutter_config),
            "TMPDIR": str(hook_scratch_dir), "PYTHONHASHSEED": "0", "BIODL_NO_GIT": "1"}


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


# --- one quick pipeline run shared by the slow end-to-end tests ---------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def project_env(project):
    """The environment a baked project runs in with this venv: its module importable, hashing fixed."""
    return {**os.environ, "PYTHONPATH": str(Path(project) / "src"), "PYTHONHASHSEED": "0"}


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory):
    """A default project baked and run once with the quick profile; returns (project, run_dir, stdout).

    Shared by the pipeline and browser tests so the whole pipeline runs once for both.
    """
    from cookiecutter.main import cookiecutter

    out = tmp_path_factory.mktemp("quick_run")
    project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(out)))
    result = subprocess.run(
        [sys.executable, "-m", DEFAULT_MODULE, "run"], cwd=project, env=project_env(project),
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run_dir = sorted(p for p in (project / "reports/runs").iterdir() if p.is_dir())[-1]
    return project, run_dir, result.stdout


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium through chromium-driver; nothing is downloaded (no Selenium Manager)."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("Debian chromium and chromium-driver are not installed (make system installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--window-size=1280,1600"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def severe_console_errors(driver):
    """Console messages of level SEVERE since the last call (the log is drained on reading)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The bad-input catalogue's counts per verdict (tests/data/test_bad_inputs.py), when it ran."""
    results = getattr(config, "bad_input_verdicts", None)  # [(case, verdict, why), …]
    if results:
        counts = {verdict: sum(1 for _, v, _ in results if v == verdict) for verdict in ("CLEAR", "UNCLEAR", "LOST")}
        terminalreporter.section("bad-input catalogue")
        terminalreporter.write_line(", ".join(f"{n} {verdict}" for verdict, n in counts.items()))
        for case, verdict, why in results:
            if verdict != "CLEAR":
                terminalreporter.write_line(f"  {verdict:<8} {case}: {why}")


def assert_baked(result):
    """The bake succeeded and left a project folder; its path."""
    assert result.exit_code == 0, result.exception
    assert result.exception is None
    assert result.project_path.is_dir()
    return result.project_path
