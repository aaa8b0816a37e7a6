"""Catalogue of bad inputs and faults: each case is data — what is done, the exit code, the message, what must survive.

A case is CLEAR when the command exits with the expected code, prints a message matching the
expected pattern with no traceback (one line, unless the case says cookiecutter adds its own),
and leaves every file it must not touch byte-identical; LOST when such a file changed or
disappeared; UNCLEAR otherwise. The counts per verdict are printed at the end of the session.

One default and one sequence project are baked per session; each case works on a copy. The
commands are the project's own (`check`, `data add`, `run` that stops before its first notebook,
`tune`), called in-process, plus the bake wrapper and cookiecutter for the prompt answers.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import nbformat
import pandas as pd
import pytest
import yaml
from conftest import TEMPLATE_DIR

TEMPLATE = TEMPLATE_DIR
MODULE = "my_lab_project"
DATA = "data/external/breast_cancer_wisconsin.csv"
RESULTS: list[tuple[str, str, str]] = []


@dataclass
class Case:
    id: str
    item: str  # where the case comes from: an item of the issue, or "existing"
    argv: list[str]
    code: int
    pattern: str
    setup: Callable[[Path], None] | None = None
    intact: tuple[str, ...] = ()  # files (relative to the project) that must be byte-identical afterwards
    after: Callable[[Path], str | None] | None = None  # a further check; returns what is wrong, or None
    kind: str = "cli"  # cli (the project's command, in-process) | bake (tools/bake.py) | cookiecutter | subprocess
    one_line: bool = True
    modality: str = "tabular"
    rlimit_fsize: int | None = None


# setups ------------------------------------------------------------------------------------------
def edit_yaml(project: Path, name: str, change: Callable[[dict], None]) -> None:
    path = project / name
    raw = yaml.safe_load(path.read_text())
    change(raw)
    path.write_text(yaml.safe_dump(raw, sort_keys=False))


def use_table(frame: pd.DataFrame, name: str = "bad.csv", **data_fields):
    """A setup that writes `frame` as data/external/<name>, records it in the manifest and points lab.yaml at it."""

    def setup(project: Path) -> None:
        from my_lab_project_engine.data.provenance import add_source

        frame.to_csv(project / "data/external" / name, index=False)
        add_source(project, f"data/external/{name}", {"source": "test"})
        edit_yaml(project, "lab.yaml", lambda raw: raw["data"].update(path=f"data/external/{name}", **data_fields))

    return setup


def base_table() -> pd.DataFrame:
    return pd.read_csv(TEMPLATE / "{{cookiecutter.project_slug}}" / DATA)


def regression_table(cells: dict[int, object] | None = None, *, constant: float | None = None,
                     positive_class: str | None = None, metric: str | None = None, families: list[str] | None = None,
                     two_values: bool = False):
    """A setup for task: regression on the example table, its diagnosis replaced by a number ('progression')."""

    def setup(project: Path) -> None:
        frame = base_table().rename(columns={"diagnosis": "progression"})
        frame["progression"] = frame["mean_area"].round(1).astype(object)
        if constant is not None:
            frame["progression"] = constant
        if two_values:
            frame["progression"] = [1.0 if row < 5 else 0.0 for row in range(len(frame))]
        for row, value in (cells or {}).items():
            frame.loc[row, "progression"] = value
        use_table(frame, "regression.csv", target="progression", positive_class=positive_class)(project)

        def change(raw: dict) -> None:
            raw["task"] = "regression"
            raw["tuning"]["families"] = families or ["ridge", "random_forest", "k_nearest_neighbours", "svm", "network"]
            raw["tuning"]["metric"] = metric

        edit_yaml(project, "lab.yaml", change)

    return setup


def with_cells(column: str, cells: dict[int, object]) -> pd.DataFrame:
    frame = base_table()
    frame[column] = frame[column].astype(object)
    for row, value in cells.items():
        frame.loc[row, column] = value
    return frame


def replace_text(path: str, old: str, new: str):
    def setup(project: Path) -> None:
        target = project / path
        text = target.read_text()
        assert old in text, f"{old!r} not in {path}"
        target.write_text(text.replace(old, new, 1))

    return setup


def write_text(path: str, text: str):
    def setup(project: Path) -> None:
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text)

    return setup


def chain(*setups):
    def setup(project: Path) -> None:
        for step in setups:
            step(project)

    return setup


def comment_and_copy(project: Path) -> None:
    manifest = project / "data/manifest.yaml"
    manifest.write_text(manifest.read_text() + "# a note a person wrote\n")
    shutil.copy(project / DATA, project / "data/external/extra.csv")


def manifest_keeps_lines(project: Path) -> str | None:
    before = (project / ".before/data/manifest.yaml").read_text().splitlines()
    after = (project / "data/manifest.yaml").read_text().splitlines()
    if after[: len(before)] != before:
        return "the manifest's earlier lines (comments included) were not kept as they were"
    if "path: data/external/extra.csv" not in after[-7]:
        return "the new entry was not appended"
    return None


def comments_kept(project: Path) -> str | None:
    before = (project / ".before/data/manifest.yaml").read_text().splitlines()
    after = (project / "data/manifest.yaml").read_text()
    lost = [line for line in before if line.lstrip().startswith("#") and line not in after]
    return f"comment lines lost: {lost}" if lost else None


def umask_022(project: Path) -> None:
    shutil.copy(project / DATA, project / "data/external/extra.csv")
    (project / "data/manifest.yaml").chmod(0o640)


def mode_kept(project: Path) -> str | None:
    mode = (project / "data/manifest.yaml").stat().st_mode & 0o777
    return None if mode == 0o640 else f"the manifest's mode became {oct(mode)}, not the 0o640 it had"


def new_file_mode(project: Path) -> str | None:
    mode = (project / "data/splits/breast_cancer_wisconsin.json").stat().st_mode & 0o777
    return None if mode == 0o644 else f"a new file got mode {oct(mode)} under umask 022, not 0o644"


def fake_run(status: str, pid: int | None = None, running: str | None = None):
    """A run folder as a finished (or killed) `run` leaves it, without running notebooks."""

    def setup(project: Path) -> None:
        import socket

        run = project / "reports/runs/20260101-000000-quick"
        (run / "notebooks").mkdir(parents=True)
        stems = [p.stem for p in sorted((project / "notebooks").glob("*.ipynb"))]
        notebooks = {stem: {"status": "ok"} for stem in stems}
        if running:
            for stem in stems[stems.index(next(s for s in stems if s.startswith(running))):]:
                notebooks[stem] = {"status": "pending"}
            notebooks[next(s for s in stems if s.startswith(running))] = {"status": "running"}
        from my_lab_project_engine.settings.config import load_config

        params = load_config(project / "lab.yaml").model_dump(mode="json")
        manifest = {"run": run.name, "status": status, "notebooks": notebooks, "parameters": params,
                    "pid": pid, "host": socket.gethostname()}
        (run / "run.json").write_text(json.dumps(manifest))
        for stem in stems:
            (run / "notebooks" / f"{stem}.ipynb").write_text('{"cells": [], "nbformat": 4, "nbformat_minor": 5}')

    return setup


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def marked_interrupted(project: Path) -> str | None:
    manifest = json.loads((project / "reports/runs/20260101-000000-quick/run.json").read_text())
    if manifest["status"] != "interrupted" or manifest["notebooks"]["03_architecture"]["status"] != "interrupted":
        return f"run.json still says {manifest['status']}"
    return None


def failing_notebook_07(project: Path) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('run_dir = "x"\nconfig = "../lab.yaml"\nprofile = "quick"\noverrides = {}')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("raise ValueError('the register is broken')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, project / "notebooks/07_ethics_register.ipynb")


def no_run_folder(project: Path) -> str | None:
    runs = project / "reports/runs"
    made = sorted(p.name for p in runs.iterdir()) if runs.is_dir() else []
    return f"run folder(s) {made} were created" if made else None


def make_readonly(relpath: str):
    def setup(project: Path) -> None:
        target = project / relpath
        target.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            target.chmod(0o555)
        elif not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(target)]).returncode != 0:
            pytest.skip("cannot make a folder read-only for root here (chattr +i failed)")

    return setup


def undo_readonly(project: Path) -> None:
    for path in (project / "data/splits",):
        if path.exists():
            if shutil.which("chattr"):
                subprocess.run(["chattr", "-i", str(path)], capture_output=True)
            path.chmod(0o755)


def nothing_outside(project: Path) -> str | None:
    return "a folder was created outside the project" if (project.parent / "outside").exists() else None


def wide_table() -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 10_000)), columns=[f"g{i}" for i in range(10_000)])
    frame.insert(0, "diagnosis", ["malignant", "benign"] * 30)
    frame.insert(0, "sample_id", [f"s{i}" for i in range(60)])
    return frame


def protein(project: Path) -> None:
    """A small protein FASTA (labels in the headers) with the default homology settings."""
    import random

    from my_lab_project_engine.data.provenance import add_source

    rng = random.Random(0)
    lines = []
    for i in range(60):
        letters = "".join(rng.choice("ACDEFGHIKLMNPQRSTVWY") for _ in range(50))
        lines += [f">p{i}|{'bound' if i % 2 else 'unbound'}", letters]
    (project / "data/external/proteins.fa").write_text("\n".join(lines) + "\n")
    add_source(project, "data/external/proteins.fa", {"source": "test"})
    edit_yaml(project, "lab.yaml", lambda raw: (raw["sequence"].update(alphabet="protein"),
                                                raw["data"].update(path="data/external/proteins.fa")))


def user_config(project: Path) -> None:
    (project.parent / "user.yaml").write_text(
        f"default_context:\n  modality: graph\nreplay_dir: '{project.parent / 'replay'}'\n"
    )


def nothing_baked(project: Path) -> str | None:
    baked = [p.name for p in (project.parent / "baked").glob("*")] if (project.parent / "baked").exists() else []
    return f"{baked} were baked" if baked else None


ONE = "error: [^\n]+\n?$"  # a message of one line
TARGET_EMPTY = with_cells("diagnosis", {5: None})


def image_folder(change=None, size_policy="reject", size=None, record=True):
    """A setup: 24 two-channel 16-bit TIFFs in data/raw/imgs with data/raw/imgs.csv, `change`d, recorded, in lab.yaml.

    `change(project, folder, table)` may alter files and return another table before anything is recorded.
    """

    def setup(project: Path) -> None:
        import numpy as np
        import tifffile
        from my_lab_project_engine.data.provenance import add_source

        folder = project / "data/raw/imgs"
        folder.mkdir(parents=True)
        rng = np.random.default_rng(0)
        rows = []
        for i in range(24):
            tifffile.imwrite(folder / f"img{i:02d}.tif", rng.integers(0, 4000, (2, 16, 16), dtype=np.uint16))
            rows.append({"file": f"img{i:02d}.tif", "label": "a" if i % 2 else "b", "site": f"s{i % 4}"})
        table = pd.DataFrame(rows)
        if change is not None:
            table = change(project, folder, table)
        table.to_csv(project / "data/raw/imgs.csv", index=False)
        if record:
            add_source(project, "data/raw/imgs", {"source": "test"})
            add_source(project, "data/raw/imgs.csv", {"source": "test"})

        def point(raw):
            raw["data"].update(path="data/raw/imgs", labels="data/raw/imgs.csv", id_column="file", target="label",
                               group_column="site", metadata_columns=["site"], subgroup_columns=[], positive_class="a")
            raw["image"].update(size_policy=size_policy, size=size)

        edit_yaml(project, "lab.yaml", point)

    return setup


def drop_file(name):
    def change(project, folder, table):
        (folder / name).unlink()
        return table
    return change


def extra_file(project, folder, table):
    (folder / "stray.tif").write_bytes((folder / "img00.tif").read_bytes())
    return table


def truncated(project, folder, table):
    data = (folder / "img03.tif").read_bytes()
    (folder / "img03.tif").write_bytes(data[: len(data) // 3])
    return table


def resized(project, folder, table):
    import numpy as np
    import tifffile

    tifffile.imwrite(folder / "img05.tif", np.ones((2, 20, 24), np.uint16))
    return table


def one_channel(project, folder, table):
    import numpy as np
    import tifffile

    tifffile.imwrite(folder / "img07.tif", np.ones((16, 16), np.uint16))
    return table


def saturated(project, folder, table):
    import numpy as np
    import tifffile

    image = np.ones((2, 16, 16), np.uint16)
    image[1] = 65535
    tifffile.imwrite(folder / "img09.tif", image)
    return table


def no_file_column(project, folder, table):
    return table.rename(columns={"file": "name"})


def image_folder_recorded(project: Path) -> str | None:
    entry = next(e for e in yaml.safe_load((project / "data/manifest.yaml").read_text())["files"]
                 if e["path"] == "data/raw/imgs")
    return None if len(entry.get("file_sha256", {})) == 24 else f"per-file hashes not kept: {entry}"


CASES = [
    # 1 ─ data add keeps comments and order
    Case("data-add-keeps-comments", "1", ["data", "add", "data/external/extra.csv"], 0,
         r"recorded data/external/extra\.csv",
         setup=comment_and_copy, intact=(DATA, "lab.yaml"), after=manifest_keeps_lines),
    Case("data-accept-keeps-comments", "1", ["data", "accept", DATA], 0, r"accepted the new version",
         setup=chain(comment_and_copy, lambda p: (p / DATA).write_text((p / DATA).read_text() + "\n")),
         after=comments_kept),
    # 2 ─ a partial rerun of a completed run never touches it
    Case("only-07-on-completed-run", "2", ["run", "--only", "07"], 1,
         r"07_ethics_register\.ipynb failed at cell .* ValueError: the register is broken",
         setup=chain(fake_run("ok"), failing_notebook_07),
         intact=("reports/runs/20260101-000000-quick/run.json",
                 "reports/runs/20260101-000000-quick/notebooks/07_ethics_register.ipynb"), one_line=False),
    # 3 ─ a file-size limit: the old manifest stays, the message says why
    Case("file-size-limit-on-data-add", "3", ["data", "add", "data/external/extra.csv"], 2,
         r"file-size limit reached while writing .*manifest\.yaml; the previous version .* is kept",
         setup=comment_and_copy, intact=("data/manifest.yaml",), kind="subprocess", rlimit_fsize=1000),
    # 4 ─ a folder the run writes is read-only: refused before any notebook, nothing created
    Case("read-only-splits-folder", "4", ["run"], 2, r"the folder data/splits cannot be written; .*chmod",
         setup=make_readonly("data/splits"), intact=("data/manifest.yaml",), after=no_run_folder),
    # 5 ─ modes: an existing file keeps its mode, a new one gets the umask's
    Case("rewrite-keeps-mode", "5", ["data", "add", "data/external/extra.csv"], 0, r"recorded", setup=umask_022,
         after=mode_kept),
    Case("new-file-respects-umask", "5", ["split", "--new"], 0, r"made a new split", after=new_file_mode),
    # 6 ─ a killed run is recognised and marked
    Case("dead-run-seen-by-check", "6", ["check"], 0, r"was interrupted \(its process \d+ is gone\) in notebook 03; "
         r"resume it with `my_lab_project run --from 03`", setup=lambda p: fake_run("running", dead_pid(), "03")(p),
         after=marked_interrupted, one_line=False),
    # 7 ─ stray texts in a number column
    Case("comma-decimal-and-question-marks", "7", ["check"], 2,
         r"column 'mean_radius' holds numbers but also the text\(s\) '12,5', '\?\?' \(line\(s\) 7, 11\); "
         r"write decimals "
         r"with a point", setup=use_table(with_cells("mean_radius", {5: "12,5", 9: "??"}))),
    Case("question-marks-as-declared-missing", "7", ["check"], 0, r"is valid",
         setup=use_table(with_cells("mean_radius", {9: "??"}), missing_values=["??"])),
    Case("question-marks-undeclared", "7", ["check"], 2, r"'data\.missing_values'",
         setup=use_table(with_cells("mean_radius", {9: "??"}))),
    # 8 ─ duplicate keys in lab.yaml
    Case("duplicate-key-in-lab-yaml", "8", ["check"], 2,
         r"lab\.yaml: key 'seed' is written twice \(lines \d+ and \d+\)",
         setup=replace_text("lab.yaml", "seed: 42\n", "seed: 42\nseed: 7\n"), intact=("lab.yaml",)),
    # 9 ─ manifest paths normalised, duplicates refused
    Case("data-add-dotdot-path-is-a-duplicate", "9",
         ["data", "add", "data/external/../external/breast_cancer_wisconsin.csv"],
         2, r"data/external/breast_cancer_wisconsin\.csv is already in data/manifest\.yaml",
         intact=("data/manifest.yaml",)),
    Case("manifest-with-two-entries-for-one-file", "9", ["check"], 2,
         r"entries 1 and 2 both describe " + re.escape(DATA),
         setup=lambda p: (p / "data/manifest.yaml").write_text(
             (p / "data/manifest.yaml").read_text() + (p / "data/manifest.yaml").read_text().split("files:\n")[1]
             .replace(f"path: {DATA}", f"path: data/external/../external/{DATA.rsplit('/', 1)[1]}")),
         intact=("data/manifest.yaml",)),
    Case("data-add-outside-project", "9", ["data", "add", "/etc/hostname"], 2, r"outside the project folder",
         intact=("data/manifest.yaml",)),
    # 10 ─ tune creates nothing outside the project
    Case("tune-storage-in-missing-folder", "10",
         ["tune", "--storage", "sqlite:///{outside}/deep/t.db", "--study", "s", "--n-trials", "1"], 2,
         r"does not exist, and nothing is created outside the project", after=nothing_outside),
    # 11 ─ unknown choice in the user config
    Case("user-config-unknown-choice-wrapper", "11",
         ["--no-input", "--config-file", "{tmp}/user.yaml", "-o", "{tmp}/baked"],
         1, r"^ERROR: modality 'graph' in the user config .*user\.yaml is not one of: tabular, sequence, image",
         setup=user_config, kind="bake", after=nothing_baked),
    Case("user-config-unknown-choice-cookiecutter", "11",
         ["--no-input", "--config-file", "{tmp}/user.yaml", "-o", "{tmp}/baked"], 1,
         r"ERROR: modality 'graph' in the user config .*user\.yaml is not one of", setup=user_config,
         kind="cookiecutter", one_line=False, after=nothing_baked),
    # 12 ─ very wide tables are announced before anything runs
    Case("ten-thousand-columns-warned", "12", ["check"], 0, r"warning: .* has 10,000 features for 60 samples",
         setup=use_table(wide_table(), "wide.csv"), one_line=False),
    # 14 ─ found before the first notebook
    Case("infinite-value", "14", ["run"], 2, r"column 'mean_area' holds infinite values \(line\(s\) 5\)",
         setup=use_table(with_cells("mean_area", {3: float("inf")})), after=no_run_folder),
    Case("all-missing-column", "14", ["run"], 2, r"column 'empty' holds no values at all",
         setup=use_table(base_table().assign(empty=float("nan"))), after=no_run_folder),
    Case("class-with-one-sample", "14", ["run"], 2, r"target column 'diagnosis': class\(es\) 'rare' \(1\) have too few",
         setup=use_table(with_cells("diagnosis", {0: "rare"})), after=no_run_folder),
    Case("protein-homology-default", "14", ["check"], 0, r"is valid and data/external/proteins\.fa matches",
         setup=protein, modality="sequence"),
    Case("protein-homology-k", "14", ["check"], 2, r"lab\.yaml field 'sequence\.homology\.k' is 16, too long for the "
         r"protein alphabet", setup=lambda p: (protein(p), edit_yaml(p, "lab.yaml", lambda raw: raw["sequence"][
             "homology"].update(method="kmer", k=16))), modality="sequence"),
    Case("deleted-notebook", "14", ["run"], 2, r"notebooks/04_tuning\.ipynb is missing; restore it",
         setup=lambda p: (p / "notebooks/04_tuning.ipynb").unlink(), after=no_run_folder),
    Case("corrupt-notebook", "14", ["run"], 2, r"notebooks/03_architecture\.ipynb is not a readable notebook",
         setup=write_text("notebooks/03_architecture.ipynb", '{"cells": [ '), after=no_run_folder),
    Case("from-03-without-a-run", "14", ["run", "--from", "03"], 2,
         r"no earlier run under reports/runs/ for notebook 03", after=no_run_folder),
    # 15 ─ bad answers on the command line: the template's sentence only
    Case("modality-graph", "15", ["--no-input", "-o", "{tmp}/baked", "modality=graph"], 1,
         r"^ERROR: modality 'graph' is not one of: tabular, sequence, image; pick one of those\.$", kind="bake",
         after=nothing_baked),
    Case("license-gpl", "15", ["--no-input", "-o", "{tmp}/baked", "license=GPL-3.0"], 1,
         r"^ERROR: license 'GPL-3\.0' is not one of: MIT, BSD-3-Clause, Apache-2\.0, none", kind="bake",
         after=nothing_baked),
    Case("sensitive-maybe", "15", ["--no-input", "-o", "{tmp}/baked", "sensitive_data=maybe"], 1,
         r"^ERROR: sensitive_data 'maybe' is not yes or no", kind="bake", after=nothing_baked),
    Case("module-torch-through-wrapper", "15", ["--no-input", "-o", "{tmp}/baked", "module_name=torch"], 1,
         r"^ERROR: module_name 'torch' would shadow", kind="bake", after=nothing_baked),
    # 16 ─ no Python jargon
    Case("empty-lab-yaml", "16", ["check"], 2, r"^error: lab\.yaml is empty; it must hold fields",
         setup=write_text("lab.yaml", "")),
    Case("lab-yaml-is-a-list", "16", ["check"], 2, r"lab\.yaml must hold fields \(key: value\), but it holds a list",
         setup=write_text("lab.yaml", "- a\n- b\n")),
    Case("empty-target-line-numbers", "16", ["run"], 2, r"target column 'diagnosis' is empty on line 7;",
         setup=use_table(TARGET_EMPTY), after=no_run_folder),
    Case("manifest-yaml-error-line-column", "16", ["check"], 2,
         r"data/manifest\.yaml is not valid YAML at line \d+, column \d+", setup=replace_text(
             "data/manifest.yaml", "files:\n", "files:\n  - path: [unclosed\n"), intact=("data/manifest.yaml",)),
    Case("tune-bad-url-before-data", "16", ["tune", "--storage", "nonsense", "--study", "s", "--n-trials", "1"], 2,
         r"tuning storage 'nonsense' is not a database URL", setup=write_text(DATA, "broken,\n")),
    # regression (issue 12): a numeric target's problems, each one sentence, nothing written
    Case("regression-non-numeric-target", "regression", ["run"], 2,
         r"target column 'progression' \(lab\.yaml field 'data\.target'\) holds 'high' on line 7, which is not "
         r"a number; .*set task: classification", setup=regression_table({5: "high"}), after=no_run_folder),
    Case("regression-constant-target", "regression", ["check"], 2,
         r"target column 'progression' .* holds the same value \(3\) in every row; .*check data\.target",
         setup=regression_table(constant=3.0)),
    Case("regression-nan-target", "regression", ["check"], 2,
         r"target column 'progression' .* is empty or NaN on line 7; fill in the measured value",
         setup=regression_table({5: "NaN"})),
    Case("regression-infinite-target", "regression", ["check"], 2,
         r"target column 'progression' .* is infinite \(inf\) on line 10; replace it",
         setup=regression_table({8: "inf"})),
    Case("regression-with-positive-class", "regression", ["check"], 2,
         r"data\.positive_class \('malignant'\) applies to classification only; set it to null for task: regression",
         setup=regression_table(positive_class="malignant"), intact=("lab.yaml",)),
    Case("regression-with-classification-metric", "regression", ["check"], 2,
         r"tuning\.metric 'roc_auc' is a classification metric; for task: regression use one of r2, rmse, mae, "
         r"spearman", setup=regression_table(metric="roc_auc")),
    Case("classification-with-regression-metric", "regression", ["run", "-p", "tuning.metric=rmse"], 2,
         r"tuning\.metric 'rmse' is a regression metric; for task: classification use roc_auc", after=no_run_folder),
    Case("classification-with-regression-loss", "regression", ["run", "-p", "network.loss=huber"], 2,
         r"network\.loss 'huber' applies to task: regression only", after=no_run_folder),
    Case("regression-with-classifier-family", "regression", ["check"], 2,
         r"tuning\.families lists naive_bayes, which classify(es)? and cannot predict a number",
         setup=regression_table(families=["naive_bayes", "network"])),
    Case("regression-too-few-values-to-stratify", "regression", ["check"], 0,
         r"has 2 distinct value\(s\), too few for split\.target_bins: 5 in lab\.yaml; the split is made at "
         r"random \(not stratified\) instead", setup=regression_table(two_values=True), one_line=False),
    # checks that were there before, kept in the catalogue
    Case("target-column-missing", "existing", ["run", "-p", "data.target=nope"], 2,
         r"lab\.yaml field 'data\.target' names column 'nope'", after=no_run_folder),
    Case("data-changed", "existing", ["check"], 2, r"has changed since it was recorded .* data accept",
         setup=lambda p: (p / DATA).write_text((p / DATA).read_text() + "\n")),
    Case("unknown-field", "existing", ["check"], 2, r"field 'sead' is not a known field",
         setup=replace_text("lab.yaml", "seed: 42", "sead: 42")),
    Case("split-leaves-no-test", "existing", ["run", "-p", "split.train=0.9"], 2, r"leaves no test set",
         after=no_run_folder),
    Case("bad-override", "existing", ["run", "-p", "seed"], 2, r"option -p 'seed' is not key=value"),
    Case("no-such-notebook", "existing", ["run", "--only", "42"], 2, r"no notebook numbered '42'"),
    Case("missing-data-file", "existing", ["check"], 2, r"does not exist; put the file there",
         setup=lambda p: (p / DATA).unlink()),
    # i16 ─ images: a folder of PNG/TIFF with a label table
    Case("image-folder-data-add", "i16", ["data", "add", "data/raw/imgs"], 0, r"recorded data/raw/imgs",
         setup=image_folder(record=False), modality="image", after=image_folder_recorded),
    Case("image-listed-but-missing", "i16", ["check"], 2,
         r"data/raw/imgs\.csv lists image\(s\) img04\.tif that are not in data/raw/imgs .*add the files or remove",
         setup=image_folder(drop_file("img04.tif")), modality="image"),
    Case("image-without-row", "i16", ["check"], 2,
         r"data/raw/imgs holds image\(s\) stray\.tif with no row in data/raw/imgs\.csv",
         setup=image_folder(extra_file), modality="image"),
    Case("image-truncated", "i16", ["check"], 2,
         r"data/raw/imgs/img03\.tif could not be read as an image .*truncated",
         setup=image_folder(truncated), modality="image"),
    Case("image-sizes-reject", "i16", ["check"], 2,
         r"data/raw/imgs/img05\.tif is 20x24 pixels but the images must all be 16x16 .*size_policy: reject",
         setup=image_folder(resized), modality="image"),
    Case("image-sizes-resize", "i16", ["check"], 0, r"is valid", setup=image_folder(resized, "resize", 16),
         modality="image", one_line=False),
    Case("image-sizes-crop", "i16", ["check"], 0, r"is valid", setup=image_folder(resized, "crop", 16),
         modality="image", one_line=False),
    Case("image-mixed-channels", "i16", ["check"], 2,
         r"data/raw/imgs/img07\.tif has 1 channel\(s\) but data/raw/imgs/img00\.tif has 2",
         setup=image_folder(one_channel), modality="image"),
    Case("image-saturated-16-bit", "i16", ["check"], 0,
         r"warning: data/raw/imgs/img09\.tif: channel 1 has 100\.0% of its pixels at 65535 \(saturated\)",
         setup=image_folder(saturated), modality="image", one_line=False),
    Case("image-table-without-file-column", "i16", ["check"], 2,
         r"data/raw/imgs\.csv has no column 'file' \(lab\.yaml field 'data\.id_column'\)",
         setup=image_folder(no_file_column), modality="image"),
]


# running a case ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pristine(tmp_path_factory):
    """One baked project per modality, made once; cases work on copies."""
    from cookiecutter.main import cookiecutter

    made = {}
    for modality in ("tabular", "sequence", "image"):
        out = tmp_path_factory.mktemp(f"catalogue_{modality}")
        made[modality] = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(out),
                                           extra_context={"modality": modality}))
    sys.path.insert(0, str(made["tabular"] / "src"))
    yield made
    sys.path.remove(str(made["tabular"] / "src"))


@pytest.fixture(scope="module", autouse=True)
def verdict_counts(request):
    """Hand the verdicts to the terminal summary (tests/conftest.py prints the counts at the end)."""
    request.config.bad_input_verdicts = RESULTS
    yield


def _fill(argv: list[str], tmp: Path, project: Path) -> list[str]:
    return [a.format(tmp=tmp, outside=tmp / "outside", project=project) for a in argv]


def _run(case: Case, project: Path, tmp: Path) -> tuple[int, str]:
    argv = _fill(case.argv, tmp, project)
    if case.kind == "bake":
        command = [sys.executable, str(TEMPLATE / "tools/bake.py"), *argv]
    elif case.kind == "cookiecutter":
        command = [sys.executable, "-m", "cookiecutter", str(TEMPLATE), *argv]
    elif case.kind == "subprocess":
        command = [sys.executable, "-m", MODULE, *argv]
    else:
        from my_lab_project_engine.cli.commands import main

        out, err = io.StringIO(), io.StringIO()
        mask = os.umask(0o022)  # the commands run under the common umask; restored below
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["--config", str(project / "lab.yaml"), *argv])
        except BaseException:  # noqa: BLE001 - an uncaught exception is itself the finding
            return -1, traceback.format_exc()
        finally:
            os.umask(mask)
        return code, err.getvalue() or out.getvalue()

    limit = case.rlimit_fsize

    def limits():
        if limit:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PWD": str(project), "TMPDIR": str(tmp)}
    if case.kind in ("bake", "cookiecutter"):  # keep replay files out of the home folder
        (tmp / "cc.yaml").write_text(f"replay_dir: '{tmp / 'replay'}'\ncookiecutters_dir: '{tmp / 'cc'}'\n")
        env["COOKIECUTTER_CONFIG"] = str(tmp / "cc.yaml")
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=120,
                          preexec_fn=limits)
    message = done.stderr if done.returncode or case.kind != "cli" else done.stdout
    return done.returncode, message or done.stdout


def judge(case: Case, code: int, message: str, changed: list[str], problem: str | None) -> tuple[str, str]:
    if changed:
        return "LOST", f"changed or removed: {changed}"
    if "Traceback" in message or code == -1:
        return "UNCLEAR", f"a traceback: {message.strip().splitlines()[-1] if message.strip() else ''}"
    if code != case.code:
        return "UNCLEAR", f"exit {code}, not {case.code}: {message.strip()[:300]}"
    if not re.search(case.pattern, message.strip(), flags=re.MULTILINE):
        return "UNCLEAR", f"message does not match {case.pattern!r}: {message.strip()[:300]}"
    if case.one_line and case.code != 0 and len(message.strip().splitlines()) != 1:
        return "UNCLEAR", f"more than one line: {message.strip()[:300]}"
    if problem:
        return "UNCLEAR" if "created" not in problem else "LOST", problem
    return "CLEAR", ""


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.item}-{case.id}")
def test_bad_input(case, pristine, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(pristine[case.modality], project, symlinks=True)
    if case.setup:
        case.setup(project)
    shutil.copytree(project, project / ".before", ignore=shutil.ignore_patterns(".before", "reports"))
    before = {path: (project / path).read_bytes() for path in case.intact if (project / path).is_file()}
    try:
        code, message = _run(case, project, tmp_path)
    finally:
        undo_readonly(project)
    changed = [path for path, data in before.items()
               if not (project / path).is_file() or (project / path).read_bytes() != data]
    problem = case.after(project) if case.after else None
    verdict, why = judge(case, code, message, changed, problem)
    RESULTS.append((f"{case.item}-{case.id}", verdict, why))
    assert verdict == "CLEAR", why


def test_every_item_of_the_issue_has_a_case():
    items = {case.item for case in CASES}
    # 13 (a second Ctrl-C) runs a kernel: tests/runner/test_interrupts.py
    assert {str(n) for n in range(1, 17)} - {"13"} <= items
