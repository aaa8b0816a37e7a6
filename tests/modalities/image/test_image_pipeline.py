"""An image project: the bake (fast) and, end to end (slow), the quick pipeline on simulated cells and on user TIFFs.

The built-in images are simulated with a planted site artefact (brighter, vignetted sites holding
mostly one class): notebooks 01 and 06 must flag it and the ethics register must receive entries.
A second project runs on a user's folder of 8-bit single-channel TIFFs with a label table, recorded
with `data add`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import TEMPLATE_DIR
from cookiecutter.main import cookiecutter

TEMPLATE = TEMPLATE_DIR
MODULE = "my_lab_project"
FOLDER = "data/external/cells_simulated"


def cli(project: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", MODULE, *args], cwd=project, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **env})


def artifact(run_dir: Path, name: str) -> dict:
    return json.loads((run_dir / "artifacts" / f"{name}.json").read_text())


def latest_run(project: Path) -> Path:
    return sorted(p for p in (project / "reports/runs").iterdir() if p.is_dir())[-1]


def bake(tmp_path: Path) -> Path:
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path),
                             extra_context={"modality": "image"}))


def test_image_bake_records_the_simulated_folder_and_keeps_its_cells(tmp_path):
    project = bake(tmp_path)
    config = yaml.safe_load((project / "lab.yaml").read_text())
    assert config["modality"] == "image" and config["data"]["path"] == FOLDER and "image" in config
    assert not (project / "data/external/breast_cancer_wisconsin.csv").exists()
    entries = {e["path"]: e for e in yaml.safe_load((project / "data/manifest.yaml").read_text())["files"]}
    assert set(entries) == {FOLDER, f"{FOLDER}.csv"}
    folder = entries[FOLDER]
    assert folder["description"].startswith("SIMULATED") and "PLANTED ARTEFACT" in folder["description"]
    assert folder["generator"]["name"] == "simulate_images.simulate_cells" and folder["generator"]["version"] == "1.0"
    assert len(folder["file_sha256"]) == folder["generator"]["params"]["n_images"] == 320
    headings = []
    for path in sorted((project / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            assert not {"image", "tabular", "sequence"} & set(cell.metadata.get("tags", [])), path.name
            if cell.cell_type == "markdown" and cell.source.startswith("## "):
                headings.append(cell.source.splitlines()[0])
    assert "## What is in the images" in headings and "## What is in the table" not in headings
    assert "## Saliency maps, and does the network look at the cells?" in headings
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_tabular_bake_has_no_image_cells(tmp_path):
    project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path)))
    text = "".join(path.read_text() for path in (project / "notebooks").glob("*.ipynb"))
    assert "What is in the images" not in text and "Saliency maps" not in text


@pytest.fixture(scope="module")
def image_run(tmp_path_factory):
    """An image project baked with defaults and run once (quick profile)."""
    project = bake(tmp_path_factory.mktemp("image"))
    result = cli(project, "run")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project, latest_run(project)


@pytest.mark.slow
def test_quick_image_pipeline_flags_the_planted_site_artefact(image_run):
    project, run_dir = image_run
    status = json.loads((run_dir / "run.json").read_text())
    assert all(n["status"] == "ok" for n in status["notebooks"].values()), status["notebooks"]
    provenance = artifact(run_dir, "01_data_provenance")
    assert provenance["simulated"]["name"] == "simulate_images.simulate_cells"
    assert provenance["confounding"]["flagged"]  # the site alone predicts the label (01)
    interpretation = artifact(run_dir, "06_interpretation")
    assert interpretation["shortcut"]["predictions_from_metadata"]["roc_auc_mean"] >= 0.7  # the site predicts the net
    saliency = interpretation["saliency"]
    assert {"border", "background"} <= set(saliency["shortcut"]) and saliency["examples"]
    assert saliency["background_swap"]["flagged"], saliency["background_swap"]  # the network reads the background
    assert (run_dir / "figures/06_saliency.png").is_file()
    augmentation = artifact(run_dir, "03_augmentation")
    assert {"with", "without", "gain"} <= set(augmentation)
    register = (project / "ethics/register.yaml").read_text()
    assert "check confounding" in register and "check shortcut:predictions" in register
    assert "check saliency:background_swap" in register
    assert artifact(run_dir, "00_images")["size"] == "64x64"


@pytest.mark.slow
def test_user_tiff_folder_runs_after_data_add(image_run, tmp_path):
    import tifffile

    project = bake(tmp_path)
    folder = project / "data/raw/plates"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(7)
    rows = []
    for i in range(240):
        label = "round" if i % 2 else "ragged"
        image = rng.integers(0, 40, (32, 32)).astype(np.uint8)
        yy, xx = np.mgrid[:32, :32]
        cy, cx = rng.uniform(10, 22, 2)
        ragged = 0 if label == "round" else 2.5 * np.sin(6 * np.arctan2(yy - cy, xx - cx))
        radius = np.hypot(yy - cy, xx - cx) + ragged
        image[radius < 7] = 200
        tifffile.imwrite(folder / f"cell_{i:03d}.tif", image)
        rows.append({"image": f"cell_{i:03d}.tif", "shape": label, "slide": f"slide{i % 8}"})
    pd.DataFrame(rows).to_csv(project / "data/raw/plates.csv", index=False)
    for path in ("data/raw/plates", "data/raw/plates.csv"):
        assert cli(project, "data", "add", path, "--source", "test").returncode == 0
    raw = yaml.safe_load((project / "lab.yaml").read_text())
    raw["data"].update(path="data/raw/plates", labels="data/raw/plates.csv", id_column="image", target="shape",
                       group_column="slide", positive_class="round", metadata_columns=["slide"], subgroup_columns=[])
    (project / "lab.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    result = cli(project, "run", "-p", "profiles.quick.epochs=8")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run_dir = latest_run(project)
    images = artifact(run_dir, "00_images")
    assert images["channels"] == 1 and images["bit_depth"] == [8] and images["size"] == "32x32"
    assert artifact(run_dir, "01_data_provenance")["simulated"] is None
    assert (project / "data/interim/images").is_dir()
