"""Nothing lost, nothing half-written, nothing accepted in silence: file writes, YAML, tables, pre-flight, liveness."""

import errno
import json
import os
import socket

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}_engine.common import files
from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.common.yamlread import parse_mapping
from {{ cookiecutter.module_name }}_engine.data.manifest_text import appended, normalise_path
from {{ cookiecutter.module_name }}_engine.modalities.tabular.checks import check_feature_columns
from {{ cookiecutter.module_name }}_engine.runner import liveness, preflight
from {{ cookiecutter.module_name }}_engine.runner.runs import append_jsonl_together, read_jsonl
from {{ cookiecutter.module_name }}_engine.tuning.storagecheck import check_storage_folder


# files -------------------------------------------------------------------------------------------
def test_write_atomic_respects_the_umask_and_keeps_an_existing_mode(tmp_path):
    old = os.umask(0o022)
    try:
        files.write_atomic(tmp_path / "new.txt", b"x")
        assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644
        (tmp_path / "new.txt").chmod(0o640)
        files.write_atomic(tmp_path / "new.txt", b"y")
        assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_a_full_disk_keeps_the_old_file_and_says_so(tmp_path, monkeypatch):
    target = tmp_path / "run.json"
    target.write_bytes(b"old")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(LabError, match=r"out of disk space while writing .*run\.json; the previous version"):
        files.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]  # no temporary file left


def test_a_truncated_notebook_is_never_put_in_place(tmp_path):
    final = tmp_path / "03.ipynb"
    final.write_text('{"cells": []}')
    partial = tmp_path / ".03.partial.ipynb"
    partial.write_text('{"cells": [{"source": "trunc')
    assert files.keep_partial(partial, final) is False
    assert final.read_text() == '{"cells": []}' and not partial.exists()
    partial.write_text('{"cells": [1]}')
    assert files.keep_partial(partial, final) is True
    assert json.loads(final.read_text()) == {"cells": [1]}


def test_both_audit_logs_or_neither(tmp_path, monkeypatch):
    from {{ cookiecutter.module_name }}_engine.runner import runs

    ledger, audit = tmp_path / "ledger.jsonl", tmp_path / "run" / "audit.jsonl"
    ledger.write_text('{"first": 1}\n')
    real = runs.append_jsonl

    def fail_on_audit(path, record):
        if path == audit:
            raise PermissionError(errno.EACCES, "read-only")
        real(path, record)

    monkeypatch.setattr(runs, "append_jsonl", fail_on_audit)
    with pytest.raises(LabError, match="cannot be written, so the test split was not opened"):
        append_jsonl_together([(ledger, {"second": 2}), (audit, {"second": 2})])
    assert read_jsonl(ledger) == [{"first": 1}] and not audit.exists()
    monkeypatch.setattr(runs, "append_jsonl", real)
    append_jsonl_together([(ledger, {"second": 2}), (audit, {"second": 2})])
    assert len(read_jsonl(ledger)) == 2 and read_jsonl(audit) == [{"second": 2}]


# YAML ---------------------------------------------------------------------------------------------
def test_a_key_written_twice_is_refused_naming_both_lines():
    with pytest.raises(LabError, match=r"lab\.yaml: key 'seed' is written twice \(lines 2 and 4\)"):
        parse_mapping("a: 1\nseed: 4\nb: 2\nseed: 5\n", "lab.yaml")
    with pytest.raises(LabError, match=r"key 'k' is written twice \(lines 2 and 3\)"):
        parse_mapping("outer:\n  k: 1\n  k: 2\n", "lab.yaml")


def test_empty_or_odd_yaml_is_named_plainly():
    for text, expected in (("", "is empty"), ("# only a comment\n", "is empty"), ("- a\n", "holds a list")):
        with pytest.raises(LabError, match=expected) as error:
            parse_mapping(text, "lab.yaml")
        assert "NoneType" not in str(error.value) and "list'" not in str(error.value)
    with pytest.raises(LabError, match=r"not valid YAML at line 2, column \d+"):
        parse_mapping("a: 1\nb: c: d\n", "data/manifest.yaml")


# manifest --------------------------------------------------------------------------------------------
def test_appending_keeps_comments_and_order():
    text = "# header\n# second line\nfiles:\n    # a note\n    - path: a.csv\n      sha256: x  # why\n# tail\n"
    entry = {"path": "b.csv", "sha256": "y"}
    result = appended(text, entry)
    assert result.startswith(text)
    import yaml

    assert yaml.safe_load(result)["files"] == [{"path": "a.csv", "sha256": "x"}, entry]
    assert "    - path: b.csv" in result  # the list's own indentation
    assert yaml.safe_load(appended("files: []\n", entry))["files"] == [entry]


def test_paths_are_normalised(tmp_path):
    assert normalise_path("data/external/../external/x.csv") == "data/external/x.csv"
    assert normalise_path("./data//x.csv") == "data/x.csv"
    assert normalise_path(str(tmp_path / "data" / "x.csv"), tmp_path) == "data/x.csv"
    with pytest.raises(LabError, match="outside the project"):
        normalise_path("../elsewhere.csv")


# tables --------------------------------------------------------------------------------------------
def test_stray_texts_in_a_number_column_are_named_with_lines():
    frame = pd.DataFrame({"x": ["1.5", "2", "12,5", "3", "??", "4", "5", "6", "7", "8"]})
    expected = r"column 'x' holds numbers but also the text\(s\) '12,5', '\?\?' \(line\(s\) 4, 6\)"
    with pytest.raises(LabError, match=expected):
        check_feature_columns(frame, "t.csv")
    check_feature_columns(pd.DataFrame({"site": ["a", "b", "1"] * 4}), "t.csv")  # a category with one number: fine


def test_infinite_and_empty_columns_are_refused():
    with pytest.raises(LabError, match=r"column 'x' holds infinite values \(line\(s\) 3\)"):
        check_feature_columns(pd.DataFrame({"x": [1.0, np.inf, 2.0]}), "t.csv")
    with pytest.raises(LabError, match="column 'y' holds no values at all"):
        check_feature_columns(pd.DataFrame({"x": [1.0, 2.0], "y": [np.nan, np.nan]}), "t.csv")


# pre-flight ------------------------------------------------------------------------------------------
def test_unwritable_folder_is_found_before_the_run(project, monkeypatch):
    from {{ cookiecutter.module_name }}_engine.settings.config import load_config

    cfg = load_config(project / "lab.yaml")
    preflight.check_writable(project, cfg, None)
    real = preflight._writable
    monkeypatch.setattr(preflight, "_writable", lambda folder: folder.name != "splits" and real(folder))
    with pytest.raises(LabError, match=r"the folder data/splits cannot be written"):
        preflight.check_writable(project, cfg, None)


def test_missing_or_corrupt_notebook_is_named(project):
    preflight.check_notebook_files(project)
    (project / "notebooks/02_baselines.ipynb").write_text("{ not json")
    with pytest.raises(LabError, match=r"notebooks/02_baselines\.ipynb is not a readable notebook"):
        preflight.check_notebook_files(project)
    (project / "notebooks/02_baselines.ipynb").unlink()
    with pytest.raises(LabError, match=r"notebooks/02_baselines\.ipynb is missing"):
        preflight.check_notebook_files(project)


def test_storage_folder_outside_the_project_must_exist(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    check_storage_folder(f"sqlite:///{tmp_path}/t.db", root)  # exists
    check_storage_folder(f"sqlite:///{root}/new/t.db", root)  # inside the project: made when needed
    with pytest.raises(LabError, match="does not exist, and nothing is created outside the project"):
        check_storage_folder(f"sqlite:///{tmp_path}/missing/deeper/t.db", root)
    assert not (tmp_path / "missing").exists()


# liveness -----------------------------------------------------------------------------------------------
def test_a_run_whose_process_is_gone_is_dead_and_marked(tmp_path):
    import subprocess

    gone = subprocess.Popen(["true"])
    gone.wait()
    manifest = {"status": "running", "pid": gone.pid, "host": socket.gethostname(),
                "notebooks": {"00_a": {"status": "ok"}, "01_b": {"status": "running"}, "02_c": {"status": "pending"}}}
    (tmp_path / "run.json").write_text(json.dumps(manifest))
    assert liveness.is_dead(tmp_path, manifest)
    notice = liveness.dead_run_notice(tmp_path, tmp_path.parent, "lab")
    assert "interrupted" in notice and "`lab run --from 01`" in notice
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["status"] == "interrupted" and saved["notebooks"]["01_b"]["status"] == "interrupted"
    alive = {**manifest, "pid": os.getpid(), "status": "running"}
    assert not liveness.is_dead(tmp_path, alive)


def test_a_silent_heartbeat_on_another_machine_means_dead(tmp_path):
    manifest = {"status": "running", "pid": 1, "host": "another-machine"}
    (tmp_path / liveness.HEARTBEAT).touch()
    now = (tmp_path / liveness.HEARTBEAT).stat().st_mtime
    assert not liveness.is_dead(tmp_path, manifest, now=now + 10)
    assert liveness.is_dead(tmp_path, manifest, now=now + liveness.STALE_SECONDS + 1)


# figures ------------------------------------------------------------------------------------------------
def test_very_long_labels_do_not_make_a_huge_figure(tmp_path):
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    from {{ cookiecutter.module_name }}_engine.figures.figtext import shorten_figure_texts

    figure, axes = plt.subplots()
    axes.bar(["x" * 5000, "short"], [1, 2])
    axes.set_title("y" * 5000)
    shorten_figure_texts(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    buffer.seek(0)
    assert Image.open(buffer).size[0] < 2500


def test_data_add_and_accept_keep_every_comment(project):
    from {{ cookiecutter.module_name }}_engine.data.provenance import accept_source, add_source, load_manifest

    manifest = project / "data/manifest.yaml"
    text = manifest.read_text().replace("files:", "files:  # one entry per input", 1)
    manifest.write_text(text + "# kept at the end\n")
    before = manifest.read_text().splitlines()
    data = project / "data/external/breast_cancer_wisconsin.csv"
    (project / "data/external/copy.csv").write_bytes(data.read_bytes())
    add_source(project, "data/external/copy.csv", {"source": "a copy"})
    for extra in ("wdbc-9998,", "wdbc-9999,"):  # twice: the second accept extends an existing history
        data.write_text(data.read_text() + extra + "1," * 29 + "1,benign\n")
        accept_source(project, "data/external/breast_cancer_wisconsin.csv")
    after = manifest.read_text()
    comments = [line for line in before if "#" in line]
    assert all(line in after for line in comments), comments
    entry = load_manifest(project)[0]
    assert len(entry.history) == 2 and entry.sha256 != entry.history[0]["sha256"]
    paths = [source.path for source in load_manifest(project)]
    assert paths == ["data/external/breast_cancer_wisconsin.csv", "data/external/copy.csv"]
