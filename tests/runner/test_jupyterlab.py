"""The notebooks work interactively, not only under papermill: notebook 00 run from JupyterLab's own menu.

JupyterLab is started on loopback in a freshly baked project with a token and throwaway Jupyter
folders; headless Chromium opens notebook 00, chooses Run > Run All Cells, waits until every
cell has run and the kernel is idle, and checks that no cell shows an error.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import DEFAULT_MODULE, TEMPLATE_DIR, project_env, severe_console_errors

pytestmark = pytest.mark.slow

NOTEBOOK = "notebooks/00_question.ipynb"
# JupyterLab shows a cell's exception as stderr text holding the traceback; other front ends use the error type.
OUTPUTS_JS = (
    "return Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output'))"
    ".map(e => [e.dataset.mimeType || '', e.innerText]);"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_for(condition, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def kernel_spec(folder: Path, project: Path) -> None:
    """The 'python3' kernel as this Python with the baked module importable (what `make setup` registers)."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "env": {"PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"},
    }))


@pytest.fixture
def lab(tmp_path):
    """JupyterLab serving a baked project on 127.0.0.1; yields (base URL, token, project); stopped after."""
    from cookiecutter.main import cookiecutter

    project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(tmp_path / "bake")))
    jupyter = tmp_path / "jupyter"
    kernel_spec(jupyter / "data", project)
    env = {**project_env(project), "JUPYTER_DATA_DIR": str(jupyter / "data"),
           "JUPYTER_CONFIG_DIR": str(jupyter / "config"), "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
           "IPYTHONDIR": str(jupyter / "ipython"), "JUPYTER_PLATFORM_DIRS": "1"}
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={project}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extensions_in_dev_mode=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = open(tmp_path / "jupyterlab.log", "wb")
    server = subprocess.Popen(command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        def up():
            if server.poll() is not None:
                raise AssertionError((tmp_path / "jupyterlab.log").read_text()[-3000:])
            try:
                return get_json(f"{base}api/status?token={token}")
            except OSError:
                return None

        wait_for(up, 60, "JupyterLab to start")
        yield base, token, project
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        log.close()


def click_menu(driver, *labels: str) -> None:
    """Open a menu-bar menu and choose an item by their visible labels, as a person would."""
    from selenium.webdriver.common.by import By

    top, *items = labels
    driver.find_element(By.XPATH, f"//li[contains(@class,'lm-MenuBar-item')][.//div[text()='{top}']]").click()
    for item in items:
        entry = wait_for(lambda item=item: driver.find_elements(
            By.XPATH, f"//li[contains(@class,'lm-Menu-item')][.//div[contains(@class,'lm-Menu-itemLabel') "
                      f"and text()='{item}']]"), 10, f"menu item {item}")
        entry[0].click()


def kernel_states(base: str, token: str) -> list[str]:
    return [s["kernel"]["execution_state"] for s in get_json(f"{base}api/sessions?token={token}")]


def test_notebook_00_runs_from_the_jupyterlab_menu_without_errors(lab, chromium):
    from selenium.webdriver.common.by import By

    base, token, project = lab
    chromium.get(f"{base}lab/tree/{NOTEBOOK}?token={token}")
    wait_for(lambda: chromium.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Cell"), 60, "the notebook")
    wait_for(lambda: kernel_states(base, token) == ["idle"], 60, "the kernel to start")
    code_cells = chromium.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-CodeCell")
    source = json.loads((project / NOTEBOOK).read_text())
    assert len(code_cells) == sum(c["cell_type"] == "code" for c in source["cells"]) >= 4

    click_menu(chromium, "Run", "Run All Cells")

    def prompts():
        return [c.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").text.strip() for c in code_cells]

    def settled():  # queued cells show [*]; after an error the rest are unqueued, so wait for none left
        shown = prompts()
        return re.fullmatch(r"\[\d+\]:", shown[0]) and "[*]:" not in shown and kernel_states(base, token) == ["idle"]

    wait_for(settled, 90, "the cells to run")
    errors = [text for mime, text in chromium.execute_script(OUTPUTS_JS)
              if mime == "application/vnd.jupyter.error" or (mime.endswith("stderr") and "Traceback" in text)]
    assert errors == [], [text[:800] for text in errors]
    shown = prompts()
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in shown), f"cells that did not run: {shown}"
    counts = [int(p.strip("[]: ")) for p in shown]
    assert counts == sorted(counts) and len(set(counts)) == len(counts), counts
    # From notebooks/ the notebook's default run folder is ../reports/runs/interactive.
    artifact = project / "reports/runs/interactive/artifacts/00_question.json"
    assert json.loads(artifact.read_text())["question"]
    assert (project / "reports/runs/interactive/figures/00_class_balance.png").is_file()
    assert DEFAULT_MODULE in (project / NOTEBOOK).read_text()  # the notebook imports the baked module
    severe = [m for m in severe_console_errors(chromium) if "favicon" not in m]
    assert severe == []
