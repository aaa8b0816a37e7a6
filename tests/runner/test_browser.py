"""The report of a real quick run, opened in headless Chromium from a loopback web server.

Every link on the index must open, every image must load, the comparison table must list every
tuned model family, and the browser console must stay free of errors. A screenshot is kept.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import DEFAULT_MODULE, project_env, severe_console_errors
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.slow

REPORT_FILES = ("index.html", "MODEL_CARD.md", "model_card.html", "DOME.md", "dome.html", "dome.json",
                "DATASHEET.md", "datasheet.html")
FAMILY_WORDS = {"k_nearest_neighbours": "k-nearest neighbours", "svm": "support vector machine",
                "naive_bayes": "naive Bayes"}
IMAGES_JS = "return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete ? i.naturalWidth : 0]);"


class _Handler(SimpleHTTPRequestHandler):
    """Serves the run folder and records the status of every request."""

    statuses: list

    def log_message(self, *args):  # keep the test output quiet
        pass

    def log_request(self, code="-", size="-"):
        self.statuses.append((self.path, int(code) if str(code).isdigit() else code))


@pytest.fixture(scope="module")
def served(quick_run):
    """The run folder on http://127.0.0.1:<free port>/, served from a thread; yields (base URL, request log)."""
    _, run_dir, _ = quick_run
    statuses: list = []
    handler = functools.partial(type("Handler", (_Handler,), {"statuses": statuses}), directory=str(run_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", statuses
    server.shutdown()
    server.server_close()


def fetch_status(url: str) -> tuple[int, int]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, len(response.read())


def test_run_writes_the_report_and_prints_the_dome_score(quick_run):
    project, run_dir, stdout = quick_run
    for name in REPORT_FILES:
        assert (run_dir / name).is_file(), f"{name} missing from {run_dir}"
    notebooks = sorted(p.stem for p in (run_dir / "notebooks").glob("*.ipynb"))
    assert sorted(p.stem for p in (run_dir / "notebooks_html").glob("*.html")) == notebooks
    score = json.loads((run_dir / "dome.json").read_text())["completeness"]
    printed = f"filled by the run: {score['filled']} of 21; left for a person: {score['left_for_person']}"
    assert f"DOME completeness: {printed}" in stdout
    assert score["filled"] >= 10 and score["filled"] + score["left_for_person"] == 21, score
    sections = re.findall(r"^## (.+)$", (run_dir / "MODEL_CARD.md").read_text(), flags=re.M)
    assert len(sections) == 9 and sections[0] == "Model details" and sections[-1] == "Caveats and recommendations"


def test_report_command_rebuilds_the_same_bytes(quick_run):
    project, run_dir, _ = quick_run
    files = sorted(p for p in run_dir.rglob("*") if p.is_file() and (
        p.name in REPORT_FILES or p.parent.name == "notebooks_html"))
    before = {p: p.read_bytes() for p in files}
    result = subprocess.run([sys.executable, "-m", DEFAULT_MODULE, "report", "--run", str(run_dir)], cwd=project,
                            env=project_env(project), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert {p: p.read_bytes() for p in files} == before


def test_every_link_on_the_index_opens(served, chromium):
    base, statuses = served
    chromium.get(base + "index.html")
    links = chromium.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);")
    targets = sorted({link.split("#")[0] for link in links if link.startswith(base) and link.split("#")[0]})
    assert len(targets) >= 15, targets  # notebooks (page and .ipynb), documents, run.json
    for url in targets:
        status, size = fetch_status(url)
        assert status == 200 and size > 0, url
        if url.endswith(".html"):
            chromium.get(url)
            # get() can hand back a large page (figures inlined) just before its load completes
            WebDriverWait(chromium, 15).until(lambda d: d.execute_script("return document.readyState") == "complete",
                                              message=f"{url} did not finish loading")
            assert chromium.title, f"{url} has no title"
            broken = [src for src, width in chromium.execute_script(IMAGES_JS) if not width]
            assert broken == [], f"images that did not load on {url}: {broken}"
            assert severe_console_errors(chromium) == [], url
    failed = [(path, code) for path, code in statuses if not (isinstance(code, int) and code < 400)]
    assert failed == []


@pytest.mark.parametrize("page", ["index.html", "model_card.html"])
def test_every_image_loads(served, chromium, page):
    base, _ = served
    chromium.get(base + page)
    images = chromium.execute_script(IMAGES_JS)
    assert images, f"{page} shows no figures"
    assert [src for src, width in images if not width] == []
    assert all(not urlsplit(urljoin(base, src)).netloc or urljoin(base, src).startswith(base) for src, _ in images)
    assert severe_console_errors(chromium) == []


def test_comparison_table_lists_every_tuned_family(quick_run, served, chromium):
    _, run_dir, _ = quick_run
    families = set(json.loads((run_dir / "artifacts/04_tuning.json").read_text())["results"])
    base, _ = served
    chromium.get(base + "index.html")
    rows = chromium.execute_script(
        "return Array.from(document.querySelectorAll('#comparison-table tbody tr'))"
        ".map(r => [r.dataset.family, r.innerText]);"
    )
    assert {family for family, _ in rows} == families
    for family, text in rows:
        words = FAMILY_WORDS.get(family, family.replace("_", " "))  # model names shown as words
        assert words in text and re.search(r"\b0\.\d{3}\b", text), text


def test_screenshot_of_the_index(served, chromium, tmp_path):
    base, _ = served
    chromium.get(base + "index.html")
    height = chromium.execute_script("return document.body.scrollHeight")
    chromium.set_window_size(1280, min(max(int(height), 800), 12000))
    shot = tmp_path / "report-index.png"
    assert chromium.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    chromium.set_window_size(1280, 1600)
