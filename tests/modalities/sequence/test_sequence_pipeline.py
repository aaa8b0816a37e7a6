"""A sequence project end to end: bake with modality=sequence, run its tests and its quick pipeline.

Slow (minutes); CI runs them. The default run is on the built-in simulated binding-site set; a
second project runs on a user's gzipped FASTA with a side table of labels and groups, starting
its CNN from the weights the first run saved (transfer learning, no download).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import TEMPLATE_DIR
from cookiecutter.main import cookiecutter

pytestmark = pytest.mark.slow

TEMPLATE = TEMPLATE_DIR
MODULE = "my_lab_project"
FASTA = "data/external/tf_binding_simulated.fa"


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", MODULE, *args], cwd=project, capture_output=True, text=True,
                          timeout=900, env={**os.environ, **env})


def artifact(run_dir: Path, name: str) -> dict:
    return json.loads((run_dir / "artifacts" / f"{name}.json").read_text())


def latest_run(project: Path) -> Path:
    return sorted(p for p in (project / "reports/runs").iterdir() if p.is_dir())[-1]


@pytest.fixture(scope="module")
def sequence_run(tmp_path_factory):
    """A sequence project baked with defaults and run once (quick profile)."""
    out = tmp_path_factory.mktemp("sequence")
    project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(out), extra_context={
        "modality": "sequence"}))
    result = cli(project, "run")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project, latest_run(project)


def test_sequence_bake_ships_its_own_data_and_config(sequence_run):
    project, _ = sequence_run
    config = yaml.safe_load((project / "lab.yaml").read_text())
    assert config["modality"] == "sequence" and config["data"]["path"] == FASTA
    assert (project / FASTA).is_file() and not (project / "data/external/breast_cancer_wisconsin.csv").exists()
    entry = yaml.safe_load((project / "data/manifest.yaml").read_text())["files"][0]
    assert entry["path"] == FASTA and entry["description"].startswith("SIMULATED")
    assert entry["generator"]["params"]["planted_motif"]
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=project,
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout[-2000:]


def test_sequence_project_tests_pass(sequence_run):
    project, _ = sequence_run
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider"], cwd=project,
                            capture_output=True, text=True, timeout=900,
                            env={**os.environ, "PYTHONPATH": str(project / "src")})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " failed" not in result.stdout


def test_quick_pipeline_on_simulated_sequences_records_every_sequence_check(sequence_run):
    project, run_dir = sequence_run
    provenance = artifact(run_dir, "01_data_provenance")
    homology = provenance["homology"]
    assert homology["method"] == "mmseqs" and homology["this_split"]["test_to_train"]["n_related"] == 0
    assert homology["random_split"]["test_to_train"]["n_related"] > 0  # the related families a plain split scatters
    assert provenance["leakage"]["related_sequences"] == []
    assert provenance["sequence_length_policy"]["policy"] == "pad"
    assert (run_dir / "figures/01_homology.png").is_file()
    baselines = artifact(run_dir, "02_baselines")
    assert "k-mer" in baselines["preprocessing"] and not baselines["not_beating_prior"]
    architecture = artifact(run_dir, "03_architecture")
    assert architecture["architecture"].startswith("1D convolutional")
    assert architecture["checks"]["overfit_tiny_sample_ok"] and architecture["checks"]["initial_loss_ok"]
    assert (run_dir / "models/03_cnn_weights.pt").is_file()
    tuning = artifact(run_dir, "04_tuning")
    assert tuning["equal_budgets"] and "network" in tuning["results"] and "svm" in tuning["results"]
    assert {"channels", "kernel_size"} <= set(tuning["results"]["network"]["best_params"])
    overfit = artifact(run_dir, "05_overfitting")
    assert overfit["test"]["models"]["network"]["metrics"]["roc_auc"]["value"] > 0.8
    motif = artifact(run_dir, "06_interpretation")["motif"]
    assert motif["match"]["pearson"] > 0.7, motif["match"]  # the network found the motif that was planted
    assert len(motif["recovered"]["pwm"]) == 10 and (run_dir / "figures/06_motif.png").is_file()
    assert (run_dir / "index.html").is_file()


def test_second_sequence_run_gives_identical_artifacts(sequence_run):
    project, first = sequence_run
    result = cli(project, "run")
    assert result.returncode == 0, result.stderr[-3000:]
    second = latest_run(project)
    files = [*first.glob("artifacts/*.json"), *first.glob("figures/*.png")]
    different = [f.name for f in files if f.read_bytes() != (second / f.relative_to(first)).read_bytes()]
    assert not different


def simulated_records(project: Path, **params) -> list[list[str]]:
    """Records from the baked module's simulator, in a subprocess (the module is not importable here)."""
    code = ("import json, sys; from my_lab_project_engine.modalities.sequence.fasta import simulate_binding_sites; "
            f"print(json.dumps(simulate_binding_sites(**{params!r})[0]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(project / "src")})
    return json.loads(result.stdout)


def test_user_fasta_with_side_table_and_pretrained_filters(sequence_run, tmp_path):
    trained, first = sequence_run
    project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path),
                                extra_context={"modality": "sequence", "project_name": "Enhancer Windows"}))
    module = "enhancer_windows"
    records = simulated_records(trained, n_sequences=400, length=60, seed=7)
    (project / "data/raw").mkdir(parents=True)
    fasta = "".join(f">{rid} window\n{seq}\n" for rid, seq, _, _ in records)
    (project / "data/raw/windows.fa.gz").write_bytes(gzip.compress(fasta.encode(), mtime=0))
    table = pd.DataFrame({"window": [r[0] for r in records], "state": [r[2] for r in records],
                          "family": [r[3] for r in records]})
    table.to_csv(project / "data/raw/windows.csv", index=False)
    shutil.copy(first / "models/03_cnn_weights.pt", project / "data/raw/cnn_weights.pt")

    def run(*args):
        env = {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
        return subprocess.run([sys.executable, "-m", module, *args], cwd=project, capture_output=True, text=True,
                              timeout=900, env=env)

    for path in ("data/raw/windows.fa.gz", "data/raw/windows.csv"):
        assert run("data", "add", path, "--source", "simulated by the test").returncode == 0
    config = yaml.safe_load((project / "lab.yaml").read_text())
    config["data"].update(path="data/raw/windows.fa.gz", labels="data/raw/windows.csv", target="state",
                          id_column="window", group_column="family")
    config["sequence"].update(pretrained_weights="data/raw/cnn_weights.pt")
    (project / "lab.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    result = run("run", "-p", "profiles.quick.n_trials=3", "-p", "profiles.quick.epochs=30")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run_dir = latest_run(project)
    provenance = artifact(run_dir, "01_data_provenance")
    assert provenance["leakage"]["groups"] == [] and provenance["leakage"]["related_sequences"] == []
    assert provenance["split_sizes"]["test"] > 0
    transfer = artifact(run_dir, "03_architecture")["transfer"]
    assert transfer["pretrained_weights"] == "data/raw/cnn_weights.pt" and "conv.weight" in transfer["layers_loaded"]
    assert artifact(run_dir, "06_interpretation")["motif"]["planted"] is None  # real data: nothing planted is known

    checked = run("check")
    assert "data/raw/windows.fa.gz and data/raw/windows.csv match" in checked.stdout  # every input it verified

    (project / "data/raw/windows.csv").write_text(table.assign(state="bound").to_csv(index=False))
    refused = run("run")
    assert refused.returncode == 2 and "windows.csv" in refused.stderr and "data accept" in refused.stderr

    one_label = table.copy()
    one_label.loc[0, "state"] = "unbound" if one_label.loc[0, "state"] == "bound" else "bound"
    (project / "data/raw/windows.csv").write_text(one_label.to_csv(index=False))
    assert run("data", "accept", "data/raw/windows.csv").returncode == 0  # the new labels, accepted on purpose
    for command in (("check",), ("split",), ("run",)):  # the recorded split was made from the old labels
        refused = run(*command)
        assert refused.returncode == 2, (command, refused.stdout[-2000:])
        assert "another version of data/raw/windows.csv" in refused.stderr and "split --new" in refused.stderr

def test_sequence_report_describes_the_saved_cnn_and_the_motif(sequence_run):
    from test_report_truth import check_report

    project, run_dir = sequence_run
    verdict = check_report(project, run_dir)
    assert re.search(r"Pearson r = 0\.\d{3}", verdict)
    assert "1D convolutional network" in (run_dir / "MODEL_CARD.md").read_text()
    sheet = (run_dir / "DATASHEET.md").read_text()
    assert "median imputation" not in sheet and "3-mers" in sheet and "one-hot letters" in sheet
