"""An image study with a numeric target: the bake (fast) and, end to end (slow), the quick pipeline.

The built-in images are a simulated translocation assay (the marker's nuclear share per image) with
a planted site artefact: brighter, vignetted sites hold images of higher translocation. Notebook 01
must find that the site alone explains the target, notebook 06 that the site predicts the network's
predictions and whether the network reads the background, and notebook 07 must raise register entries.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import TEMPLATE_DIR
from cookiecutter.main import cookiecutter

TEMPLATE = TEMPLATE_DIR
MODULE = "my_lab_project"
FOLDER = "data/external/translocation_simulated"


def cli(project: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", MODULE, *args], cwd=project, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **env})


def artifact(run_dir: Path, name: str) -> dict:
    return json.loads((run_dir / "artifacts" / f"{name}.json").read_text())


def bake(tmp_path: Path) -> Path:
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path),
                             extra_context={"modality": "image", "task": "regression"}))


def test_image_regression_bakes_with_its_simulated_translocation_set(tmp_path):
    project = bake(tmp_path)
    config = yaml.safe_load((project / "lab.yaml").read_text())
    assert (config["modality"], config["task"]) == ("image", "regression")
    assert config["data"]["path"] == FOLDER and config["data"]["target"] == "nuclear_share"
    assert config["network"]["loss"] == "mse" and "background_min_shift" in config["image"]
    entries = {e["path"]: e for e in yaml.safe_load((project / "data/manifest.yaml").read_text())["files"]}
    assert set(entries) == {FOLDER, f"{FOLDER}.csv"}
    folder = entries[FOLDER]
    assert folder["description"].startswith("SIMULATED") and "PLANTED ARTEFACT" in folder["description"]
    assert folder["generator"]["name"] == "simulate_images.simulate_translocation"
    assert len(folder["file_sha256"]) == folder["generator"]["params"]["n_images"] == 320
    text = "".join(cell.source for path in sorted((project / "notebooks").glob("*.ipynb"))
                   for cell in nbformat.read(path, as_version=4).cells)
    assert "Saliency maps, and does the network look at the cells?" in text and "Background swap" in text
    assert "Images per class, size and channels" in text and "class_balance_bar" not in text
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_quick_image_regression_runs_and_flags_the_planted_site_artefact(tmp_path):
    project = bake(tmp_path)
    result = cli(project, "run")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run_dir = sorted(p for p in (project / "reports/runs").iterdir() if p.is_dir())[-1]
    status = json.loads((run_dir / "run.json").read_text())
    assert all(n["status"] == "ok" for n in status["notebooks"].values()), status["notebooks"]
    assert artifact(run_dir, "00_question")["task"] == "regression"
    provenance = artifact(run_dir, "01_data_provenance")
    assert provenance["simulated"]["name"] == "simulate_images.simulate_translocation"
    assert provenance["confounding"]["flagged"] and provenance["confounding"]["cv_r2"] > 0.5  # site alone (01)
    test = artifact(run_dir, "05_overfitting")["test"]["models"]["network"]["metrics"]
    assert {"r2", "rmse", "mae", "spearman"} <= set(test)
    interpretation = artifact(run_dir, "06_interpretation")
    assert interpretation["task"] == "regression"
    assert interpretation["shortcut"]["predictions_from_metadata"]["r2_mean"] >= 0.3  # the site predicts the net
    saliency = interpretation["saliency"]
    assert saliency["background_swap"]["flagged"], saliency["background_swap"]  # the network reads the background
    kinds = {example["kind"] for example in saliency["examples"]}
    assert kinds == {"smallest |residual|", "largest |residual|"}
    ethics = artifact(run_dir, "07_ethics_register")
    assert ethics["subgroups"]["metric_for_gaps"] == "mae" and ethics["subgroups"]["columns"] == ["plate", "site"]
    register = (project / "ethics/register.yaml").read_text()
    for check in ("check confounding", "check shortcut:predictions", "check saliency:background_swap"):
        assert check in register, check
    assert 'id="task">regression: each model predicts a number' in (run_dir / "index.html").read_text()


@pytest.mark.slow
def test_user_png_folder_with_a_numeric_target_runs_after_data_add(tmp_path):
    import numpy as np
    import pandas as pd
    from PIL import Image

    project = bake(tmp_path)
    folder = project / "data/raw/nuclei"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(11)
    rows = []
    for i in range(200):
        radius = float(rng.uniform(3.0, 10.0))
        image = rng.integers(0, 30, (32, 32)).astype(np.uint8)
        yy, xx = np.mgrid[:32, :32]
        cy, cx = rng.uniform(11, 21, 2)
        image[np.hypot(yy - cy, xx - cx) < radius] = 180
        Image.fromarray(image).save(folder / f"nucleus_{i:03d}.png")
        rows.append({"image": f"nucleus_{i:03d}.png", "area_um2": round(np.pi * radius**2 * 0.1, 3),
                     "slide": f"slide{i % 8}"})
    pd.DataFrame(rows).to_csv(project / "data/raw/nuclei.csv", index=False)
    for path in ("data/raw/nuclei", "data/raw/nuclei.csv"):
        assert cli(project, "data", "add", path, "--source", "test").returncode == 0
    raw = yaml.safe_load((project / "lab.yaml").read_text())
    raw["data"].update(path="data/raw/nuclei", labels="data/raw/nuclei.csv", id_column="image", target="area_um2",
                       group_column="slide", metadata_columns=["slide"], subgroup_columns=[])
    (project / "lab.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    # Reading the user's folder and its numeric target is what differs from the built-in run (which trains,
    # tunes and tests the network end to end): the notebooks up to the baselines show it.
    result = cli(project, "run", "--only", "00", "01", "02")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run_dir = sorted(p for p in (project / "reports/runs").iterdir() if p.is_dir())[-1]
    images = artifact(run_dir, "00_images")
    assert images["channels"] == 1 and images["bit_depth"] == [8] and images["images_per_class"] == {"all images": 200}
    assert artifact(run_dir, "01_data_provenance")["simulated"] is None
    baselines = artifact(run_dir, "02_baselines")
    assert baselines["task"] == "regression" and baselines["score"] == "r2"
    assert max(row["tune_score"] for row in baselines["models"].values()) > 0.5  # the area is in the pixels
