import datetime as dt

import pytest
import yaml

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.data.provenance import (
    PERSON_MUST_ANSWER,
    accept_source,
    add_source,
    load_manifest,
    sha256_file,
    verify_inputs,
)

DATA = "data/external/breast_cancer_wisconsin.csv"


def test_shipped_manifest_matches_the_shipped_data(project):
    hashes = verify_inputs(project, [DATA], "lab")
    assert hashes[DATA] == sha256_file(project / DATA)
    assert load_manifest(project)[0].licence == "CC BY 4.0"


def test_changed_file_is_refused_with_both_hashes_and_the_fix(project):
    expected = sha256_file(project / DATA)
    with open(project / DATA, "a") as handle:
        handle.write("wdbc-9999" + ",1" * 30 + ",benign\n")
    with pytest.raises(LabError) as error:
        verify_inputs(project, [DATA], "lab")
    message = str(error.value)
    assert expected in message and sha256_file(project / DATA) in message
    assert f"lab data accept {DATA}" in message


def test_accept_records_new_hash_and_keeps_history(project):
    old = sha256_file(project / DATA)
    with open(project / DATA, "a") as handle:
        handle.write("\n")
    before, after = accept_source(project, DATA, today=dt.date(2027, 1, 2))
    assert (before, after) == (old, sha256_file(project / DATA))
    entry = yaml.safe_load((project / "data/manifest.yaml").read_text())["files"][0]
    assert entry["history"][0]["sha256"] == old
    assert entry["retrieved"] == "2027-01-02"
    assert verify_inputs(project, [DATA], "lab")[DATA] == after


def test_unlisted_file_is_refused_and_add_records_it(project):
    (project / "data/raw").mkdir()
    (project / "data/raw/mine.csv").write_text("a,b\n1,x\n")
    with pytest.raises(LabError, match="not listed in data/manifest.yaml"):
        verify_inputs(project, ["data/raw/mine.csv"], "lab")
    entry = add_source(project, "data/raw/mine.csv", {"source": "my lab"})
    assert entry.source == "my lab" and entry.licence == PERSON_MUST_ANSWER
    assert verify_inputs(project, ["data/raw/mine.csv"], "lab")
    with pytest.raises(LabError, match="already in"):
        add_source(project, "data/raw/mine.csv", {})


def test_manifest_entry_missing_a_field(project):
    raw = yaml.safe_load((project / "data/manifest.yaml").read_text())
    del raw["files"][0]["licence"]
    (project / "data/manifest.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(LabError, match="entry 1 field 'licence'"):
        load_manifest(project)


def test_datasheet_draft_fills_what_the_run_knows_and_marks_the_rest(project):
    from {{ cookiecutter.module_name }}_engine.data.datasheet import datasheet_draft
    from {{ cookiecutter.module_name }}_engine.data.provenance import find_source
    from {{ cookiecutter.module_name }}_engine.settings.config import load_config

    cfg = load_config(project / "lab.yaml")
    summary = {"n_rows": 569, "n_columns": 30, "class_balance": {"benign": 357, "malignant": 212},
               "columns_with_missing": [], "n_duplicate_groups": 0}
    record = {"file": "data/splits/x.json", "sizes": {"train": 341}, "settings": {"seed": 42}}
    sheet = datasheet_draft(cfg, find_source(load_manifest(project), DATA), summary, record, None, 0)
    assert list(sheet) == ["Motivation", "Composition", "Collection process", "Preprocessing/cleaning/labeling",
                           "Uses", "Distribution", "Maintenance"]
    assert sheet["Composition"]["count"] == {"value": 569, "by": "run"}
    assert sheet["Distribution"]["licence"] == {"value": "CC BY 4.0", "by": "run"}
    assert sheet["Motivation"]["funding"] == {"value": None, "by": "person"}
    assert all(e["value"] is None for s in sheet.values() for e in s.values() if e["by"] == "person")
    unknown = datasheet_draft(cfg, None, summary, record, None, 0)
    assert unknown["Distribution"]["licence"] == {"value": None, "by": "person"}
