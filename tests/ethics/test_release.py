"""End to end: sensitive data and a declared subgroup raise register entries, and the release gate holds.

Bakes a project with sensitive data, runs its quick pipeline with a declared subgroup column,
checks the automatic register entries, the refusal of `release`, that a person's resolutions
survive a rerun of notebook 07, and that `release` exports once they are in place.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import TEMPLATE_DIR
from cookiecutter.main import cookiecutter

pytestmark = pytest.mark.slow

TEMPLATE = TEMPLATE_DIR
MODULE = "my_lab_project"
OPTIONS = ("-p", "data.subgroup_columns=[mean_radius]", "-p", "ethics.subgroup_gap=0.01")


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", MODULE, *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=600)


def register(project: Path) -> list[dict]:
    return yaml.safe_load((project / "ethics/register.yaml").read_text())["entries"]


def settle(text: str, entry_id: str, permits: bool = False) -> str:
    """What a person does in ethics/register.yaml to resolve one entry."""
    block = re.search(rf'  - id: "{entry_id}"\n(?:    .*\n?)*', text).group(0)
    settled = block.replace("status: open", "status: resolved").replace("resolved: null", "resolved: 2099-01-01")
    settled = settled.replace("resolution: null", "resolution: Reviewed with the ethics board and the data owner.")
    settled = settled.replace('owner: "to be assigned"', "owner: Ada Lovelace")
    if permits:
        settled = settled.rstrip("\n") + "\n    permits: model_sharing\n"
    return text.replace(block, settled)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bake")
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(out), extra_context={"sensitive_data": True}))


@pytest.fixture(scope="module")
def run_dir(project) -> Path:
    result = cli(project, "run", *OPTIONS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return sorted((project / "reports/runs").iterdir())[-1]


@pytest.fixture(scope="module")
def resolved(project, run_dir) -> str:
    """The register after a person resolved every blocking entry (E003 permitting sharing) and 07 reran."""
    text = (project / "ethics/register.yaml").read_text()
    for entry in register(project):
        if entry["blocks_release"] and entry["status"] == "open":
            text = settle(text, entry["id"], permits=entry.get("auto") == "sensitive-data")
    (project / "ethics/register.yaml").write_text(text)
    rerun = cli(project, "run", "--from", "07", *OPTIONS)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    return text


def test_pipeline_raises_the_expected_automatic_entries(project, run_dir):
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["status"] == "ok"
    entries = register(project)
    auto = {entry["auto"]: entry for entry in entries if entry.get("auto")}
    assert set(auto) == {"sensitive-data", "subgroup-gap:mean_radius"}
    assert auto["sensitive-data"]["id"] == "E003"  # the baked entry is recognised, not repeated
    subgroup = auto["subgroup-gap:mean_radius"]
    assert subgroup["status"] == "open" and subgroup["blocks_release"] is True and subgroup["category"] == "bias"
    artifact = json.loads((run_dir / "artifacts/07_ethics_register.json").read_text())
    assert artifact["blocking_open"] == ["E001", "E003", subgroup["id"]]
    assert [e["id"] for e in artifact["entries"]] == [e["id"] for e in entries]
    gaps = artifact["subgroups"]["gaps"]
    assert set(gaps) == {"network", json.loads((run_dir / "artifacts/06_interpretation.json").read_text())[
        "models"]["baseline"]}
    assert any(g["mean_radius"]["flagged"] for g in gaps.values())
    assert len(artifact["subgroups"]["definitions"]["mean_radius"]["edges"]) == 2
    assert (run_dir / "figures/07_subgroup_metrics.png").is_file()
    interpretation = json.loads((run_dir / "artifacts/06_interpretation.json").read_text())
    assert "associations, not evidence" in interpretation["cautions"][0] and interpretation["not_supported"]


def test_release_refuses_naming_the_entries_and_the_sensitive_data(project, run_dir):
    entries = register(project)
    subgroup = next(e["id"] for e in entries if (e.get("auto") or "").startswith("subgroup-gap"))
    refused = cli(project, "release")
    assert refused.returncode == 2
    message = refused.stderr
    assert message.startswith(f"error: release of run {run_dir.name} refused: 3 open entries in ")
    for entry_id in ("E001", "E003", subgroup):
        assert f"{entry_id} (" in message
    assert "marked sensitive" in message and "permits: model_sharing" in message
    assert message.count("\n") == 1
    assert not (project / "reports/releases").exists()


def test_a_persons_resolutions_survive_a_rerun(project, resolved):
    assert (project / "ethics/register.yaml").read_text() == resolved
    entries = register(project)
    assert not [e for e in entries if e["blocks_release"] and e["status"] == "open"]
    assert [e["owner"] for e in entries if e.get("auto") == "subgroup-gap:mean_radius"] == ["Ada Lovelace"]


def test_release_exports_once_the_entries_are_resolved(project, run_dir, resolved):
    run_dir = sorted(p for p in (project / "reports/runs").iterdir() if p.is_dir())[-1]  # 07 reran in a copy
    index = run_dir / "models/index.json"
    assert index.is_file(), "notebook 05 saved no models/index.json"
    done = cli(project, "release")
    assert done.returncode == 0, done.stderr
    out = project / "reports/releases" / run_dir.name
    record = json.loads((out / "release.json").read_text())
    listed = json.loads(index.read_text())["models"]
    assert set(record["models"]) == set(listed)
    for family, entry in listed.items():
        assert record["models"][family]["sha256"] == entry["sha256"]
        assert (out / entry["file"]).is_file()
    assert record["sensitive_data"] is True and record["sharing_permitted_by"] == "E003"
    assert (out / "register.yaml").read_text() == resolved
