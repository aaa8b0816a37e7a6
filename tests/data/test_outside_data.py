"""A study on data nobody on the project wrote: three classes, gaps, and a site column that almost decides the class.

Slow (one quick pipeline run with reduced budgets). The site column is declared as metadata
only: notebook 01 must flag it as confounded, the models must not read it, notebook 06 must
compare them with and without it, and notebook 07 must raise register entries that reach the
index page. Before that, a split grouped by only three sites that cannot hold every class in
every part is refused with the counts.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import TEMPLATE_DIR
from cookiecutter.main import cookiecutter

pytestmark = pytest.mark.slow

TEMPLATE = TEMPLATE_DIR


def site_table(seed: int = 3) -> pd.DataFrame:
    """Three classes (the smallest under 100), six weak measurements with gaps, a site that almost decides the class."""
    rng = np.random.default_rng(seed)
    label = np.repeat(["adelie", "gentoo", "chinstrap"], [260, 180, 80])
    home = {"adelie": ("north", "east"), "gentoo": ("south", "north"), "chinstrap": ("east", "east")}
    site = np.array([home[c][0] if rng.random() < 0.85 else home[c][1] for c in label])  # no chinstrap in the north
    shift = {"adelie": 0.0, "gentoo": 0.5, "chinstrap": 1.0}
    frame = pd.DataFrame({f"m{k}": rng.normal(0, 1, len(label)) + [shift[c] * (k % 2) for c in label]
                          for k in range(6)})
    frame = frame.mask(rng.random(frame.shape) < 0.05)  # 5 % missing measurements
    frame.insert(0, "bird", [f"b{i:04d}" for i in range(len(label))])
    return frame.assign(site=site, species=label).sample(frac=1, random_state=seed).reset_index(drop=True)


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "my_lab_project", *args], cwd=project, capture_output=True,
                          text=True, timeout=900, env=env)


def test_a_site_column_that_almost_decides_the_class_reaches_the_register_and_the_index(tmp_path):
    project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path)))
    (project / "data/raw").mkdir(parents=True, exist_ok=True)
    site_table().to_csv(project / "data/raw/birds.csv", index=False)
    assert cli(project, "data", "add", "data/raw/birds.csv", "--source", "simulated by the test").returncode == 0
    config = yaml.safe_load((project / "lab.yaml").read_text())
    config["data"].update(path="data/raw/birds.csv", target="species", positive_class=None, id_column="bird",
                          group_column="site", metadata_columns=["site"])
    config["split"].update(train=0.34, tune=0.33)
    (project / "lab.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    refused = cli(project, "split", "--new")  # three sites, one per part: some part must lack a class
    assert refused.returncode == 2 and "data.group_column 'site'" in refused.stderr, refused.stderr
    assert "samples per class and part" in refused.stderr and "3 groups" in refused.stderr
    assert not (project / "data/splits/birds.json").exists()

    config["data"]["group_column"] = None  # the site stays as metadata only
    config["split"].update(train=0.6, tune=0.2)
    (project / "lab.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    small = ("-p", "profiles.quick.n_trials=2", "-p", "profiles.quick.epochs=20", "-p",
             "profiles.quick.shuffled_label_runs=3", "-p", "profiles.quick.shuffled_label_runs_network=2",
             "-p", "profiles.quick.stability_seeds=2", "-p", "profiles.quick.permutation_repeats=2")
    result = cli(project, "run", *small)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run_dir = sorted(p for p in (project / "reports/runs").iterdir() if p.is_dir())[-1]

    def artifact(name):
        return json.loads((run_dir / "artifacts" / f"{name}.json").read_text())

    site = artifact("01_data_provenance")["confounding_by_column"]["site"]
    assert site["flagged"] and site["adjusted_balanced_accuracy"] > 0.7  # checked without a group column
    shortcut = artifact("06_interpretation")["shortcut"]
    assert shortcut["model_inputs"] == []  # metadata are not model inputs by default
    compared = shortcut["score_drop_without_metadata"]
    assert set(compared) >= {"network"} and all(c["with"] > c["without"] for c in compared.values())
    assert "inf" not in artifact("06_interpretation")["surrogate"]["rules"]
    checks = {c["check"]: c for c in artifact("07_ethics_register")["checks"]}
    assert {"confounding:site", "shortcut:label"} <= set(checks), sorted(checks)
    register = yaml.safe_load((project / "ethics/register.yaml").read_text())["entries"]
    titles = [e["title"] for e in register if e.get("auto") in ("confounding:site", "shortcut:label")]
    assert len(titles) == 2 and any("'site' alone predicts the label" in t for t in titles)
    index = html.unescape((run_dir / "index.html").read_text())
    assert all(t in index for t in titles)  # the open entries of the index page

    again = cli(project, "run", "--from", "07", *small)  # a rerun adds no second entry
    assert again.returncode == 0, again.stderr[-3000:]
    after = yaml.safe_load((project / "ethics/register.yaml").read_text())["entries"]
    assert len(after) == len(register)
