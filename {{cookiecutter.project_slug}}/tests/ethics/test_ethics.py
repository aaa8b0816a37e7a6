from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.ethics.register import (
    blocking_entries,
    load_register,
    open_entries,
    register_table,
)

SHIPPED = Path(__file__).resolve().parents[2] / "ethics" / "register.yaml"

ENTRY = """\
  - id: "{id}"
    title: Consent for secondary use confirmed
    category: consent
    status: {status}
    owner: Ada
    opened: 2026-01-01
    resolved: {resolved}
    resolution: {resolution}
    blocks_release: {blocks}
"""


def _entry(id="E001", status="open", resolved="null", resolution="null", blocks="true"):
    return ENTRY.format(id=id, status=status, resolved=resolved, resolution=resolution, blocks=blocks)


def _write(tmp_path, *entries):
    path = tmp_path / "register.yaml"
    path.write_text("entries:\n" + "".join(entries))
    return path


def test_shipped_register_is_valid_and_blocks_release_until_consent_is_settled():
    entries = load_register(SHIPPED)
    assert len(entries) >= 2
    assert entries[0].id == "E001" and date(2026, 1, 1) <= entries[0].opened <= date.today()  # opened when baked
    assert "E001" in [e.id for e in blocking_entries(entries)]
    assert len(open_entries(entries)) == len(entries)


def test_open_and_blocking_entries_filter_by_status_and_flag(tmp_path):
    path = _write(
        tmp_path,
        _entry("E001"),
        _entry("E002", blocks="false"),
        _entry("E003", status="resolved", resolved="2026-02-01", resolution="Consent forms checked."),
    )
    entries = load_register(path)
    assert [e.id for e in open_entries(entries)] == ["E001", "E002"]
    assert [e.id for e in blocking_entries(entries)] == ["E001"]
    table = register_table(entries)
    assert list(table["id"]) == ["E001", "E002", "E003"]
    assert table.loc[2, "resolved"] == "2026-02-01" and pd.isna(table.loc[0, "resolved"])


def test_bad_status_names_file_entry_field_and_fix(tmp_path):
    path = _write(tmp_path, _entry("E001"), _entry("E002", status="closed"))
    with pytest.raises(LabError) as caught:
        load_register(path)
    message = str(caught.value)
    assert message.startswith(
        f"{path}: entry 2 (E002) field 'status' must be one of open, mitigated, accepted, resolved"
    )
    assert "not 'closed'" in message and message.endswith("correct it in the register.")


@pytest.mark.parametrize(
    "text, expected",
    [
        (_entry(blocks="maybe"), "field 'blocks_release' must be true or false"),
        (_entry().replace("    owner: Ada\n", ""), "field 'owner' is missing"),
        (_entry().replace('id: "E001"', "id: 1"), "field 'id' must be text"),
        (_entry().replace("opened: 2026-01-01", "opened: soon"), "field 'opened' must be a date"),
        (_entry(status="resolved", resolution="Checked."), "field 'resolved' must give the date"),
        (_entry(resolved="2026-03-01"), "field 'resolved' must be null while status is open"),
        (_entry(status="accepted"), "field 'resolution' must say how"),
        (_entry(status="resolved", resolved="2025-01-01", resolution="x"), "before 'opened'"),
        (_entry() + "    priority: high\n", "field 'priority' is not a known field"),
    ],
)
def test_each_kind_of_mistake_is_one_clear_sentence(tmp_path, text, expected):
    with pytest.raises(LabError, match="entry 1"):
        load_register(_write(tmp_path, text))
    with pytest.raises(LabError) as caught:
        load_register(_write(tmp_path, text))
    assert expected in str(caught.value)


def test_duplicate_ids_missing_file_and_broken_yaml_are_lab_errors(tmp_path):
    with pytest.raises(LabError, match="entry 2 \\(E001\\) field 'id' repeats entry 1"):
        load_register(_write(tmp_path, _entry("E001"), _entry("E001")))
    with pytest.raises(LabError, match="does not exist; create it"):
        load_register(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries:\n  - id: [unclosed\n")
    with pytest.raises(LabError, match="not valid YAML"):
        load_register(broken)
    other = tmp_path / "other.yaml"
    other.write_text("issues: []\n")
    with pytest.raises(LabError, match="'entries:'"):
        load_register(other)


def test_empty_register_is_allowed(tmp_path):
    path = tmp_path / "register.yaml"
    path.write_text("entries: []\n")
    assert load_register(path) == []
    assert list(register_table([]).columns)[:2] == ["id", "title"]


# validation sentences ---------------------------------------------------------------------
def test_missing_id_names_file_entry_and_a_free_id(tmp_path):
    path = _write(tmp_path, _entry("E001"), _entry().replace('  - id: "E001"\n    title', "  - title"))
    with pytest.raises(LabError) as caught:
        load_register(path)
    assert str(caught.value) == (
        f'{path}: entry 2 (no id) field \'id\' is missing; give the entry a unique id such as "E002" (quoted).'
    )


def test_unknown_status_and_duplicate_ids_are_single_sentences_with_the_fix(tmp_path):
    for text, fix in (
        ((_entry("E001", status="done"),), "must be one of open, mitigated, accepted, resolved"),
        ((_entry("E001"), _entry("E001")), "give every entry a unique id"),
    ):
        path = _write(tmp_path, *text)
        with pytest.raises(LabError) as caught:
            load_register(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: entry ") and "(E001)" in message and fix in message
        assert "\n" not in message


def test_permits_accepts_only_model_sharing(tmp_path):
    resolved = _entry(status="resolved", resolved="2026-02-01", resolution="Privacy review passed.")
    assert load_register(_write(tmp_path, resolved + "    permits: model_sharing\n"))[0].permits == "model_sharing"
    with pytest.raises(LabError, match="field 'permits' must be one of model_sharing, not 'everything'"):
        load_register(_write(tmp_path, resolved + "    permits: everything\n"))


# automatic entries ------------------------------------------------------------------------
from {{ cookiecutter.module_name }}_engine.ethics.register import (  # noqa: E402
    Finding,
    check_status,
    earlier_findings,
    entry_records,
    imbalance_finding,
    next_id,
    raise_entries,
    read_earlier,
    sensitive_finding,
    small_test_finding,
    subgroup_findings,
)

GAP = Finding("subgroup-gap:sex", "Balanced accuracy differs by 0.3 across sex groups", "bias", True)
SMALL = Finding("small-test-set", "Small test set: 40 samples", "validity", False)
HEADER = "# Ethics register of a study\n# keep this comment\n\n"


def test_raise_entries_appends_once_keeps_comments_and_person_edits(tmp_path):
    path = tmp_path / "register.yaml"
    path.write_text(HEADER + "entries:\n" + _entry("E001") + "  # a person's note\n" + _entry("E007", blocks="false"))
    entries = raise_entries(path, [GAP, SMALL], date(2026, 5, 4))
    assert [(e.id, e.auto) for e in entries] == [
        ("E001", None), ("E007", None), ("E008", "subgroup-gap:sex"), ("E009", "small-test-set")]
    assert entries[2].status == "open" and entries[2].opened == date(2026, 5, 4)
    assert entries[2].owner == "to be assigned"
    text = path.read_text()
    assert text.startswith(HEADER) and "  # a person's note\n" in text and "(check small-test-set)" in text

    text = text.replace('status: open\n    owner: "to be assigned"\n    opened: 2026-05-04\n    resolved: null\n'
                        '    resolution: null\n    blocks_release: true\n    auto: "subgroup-gap:sex"',
                        'status: accepted\n    owner: Ada\n    opened: 2026-05-04\n    resolved: 2026-05-05\n'
                        '    resolution: Only two women in the tune split; more samples requested.\n'
                        '    blocks_release: true\n    auto: "subgroup-gap:sex"')
    path.write_text(text)
    again = raise_entries(path, [GAP, SMALL], date(2026, 6, 1))
    assert path.read_text() == text  # nothing new: the file is not rewritten
    assert [(e.id, e.status, e.owner) for e in again][2] == ("E008", "accepted", "Ada")
    assert len(again) == 4


def test_raise_entries_into_an_empty_flow_list_keeps_the_header(tmp_path):
    path = tmp_path / "register.yaml"
    path.write_text(HEADER + "entries: []\n")
    entries = raise_entries(path, [SMALL], date(2026, 5, 4))
    assert [e.id for e in entries] == ["E001"] and entries[0].auto == "small-test-set"
    assert path.read_text().startswith(HEADER)
    assert raise_entries(path, [], date(2026, 5, 4)) == entries


def test_raise_entries_validates_the_register_first(tmp_path):
    path = _write(tmp_path, _entry("E001", status="closed"))
    before = path.read_text()
    with pytest.raises(LabError, match="field 'status'"):
        raise_entries(path, [SMALL], date(2026, 5, 4))
    assert path.read_text() == before


def test_next_id_follows_the_highest_numbered_id():
    assert next_id([]) == "E001"
    assert next_id(["E001", "consent-1", "E012"]) == "E013"


def test_simple_findings_follow_their_thresholds():
    assert sensitive_finding(False) == [] and sensitive_finding(True)[0].blocks_release is True
    assert small_test_finding(114, 100) == [] and "40 samples" in small_test_finding(40, 100)[0].title
    assert imbalance_finding({"a": 300, "b": 100}, 4) == []
    rare = imbalance_finding({"a": 500, "b": 20}, 4)[0]
    assert rare.check == "class-imbalance" and "20 'b' against 500 'a'" in rare.title
    gaps = {"network": {"sex": {"metric": "balanced_accuracy", "gap": 0.3, "flagged": True},
                        "site": {"metric": "balanced_accuracy", "gap": 0.02, "flagged": False}},
            "svm": {"sex": {"metric": "balanced_accuracy", "gap": 0.4, "flagged": True}}}
    [finding] = subgroup_findings(gaps, 0.1)
    assert finding.check == "subgroup-gap:sex" and "up to 0.40 across sex groups" in finding.title
    assert "(network, svm; limit 0.1)" in finding.title


def test_earlier_findings_read_hand_made_artifacts_defensively():
    assert earlier_findings() == [] and earlier_findings({}, {}, {}, []) == []
    assert earlier_findings({"warnings": [{"check": "class_balance", "message": "x"}]}, {"leakage": {}}) == []
    provenance = {"warnings": [
        {"check": "leakage", "message": "3 patients appear in both train and test"},
        {"check": "confounding", "message": "site predicts the diagnosis"}]}
    leak, confound = earlier_findings(provenance)
    assert leak.check == "leakage" and "3 patients appear" in leak.title and leak.blocks_release
    assert confound.check == "confounding" and "site predicts" in confound.title
    [from_split] = earlier_findings(split={"leakage": {"groups": ["p1", "p2"], "near_duplicates": []}})
    assert from_split.check == "leakage" and "2 sample(s) or group(s)" in from_split.title
    assert earlier_findings(overfitting={"test_openings": 1, "test_reopened": False}) == []
    assert earlier_findings(audit=[{"notebook": "05", "forced": False}]) == []
    [reopened] = earlier_findings(overfitting={"test_openings": 2, "test_reopened": True})
    assert reopened.check == "test-reopened" and "opened 2 times" in reopened.title
    [forced] = earlier_findings(audit=[{"forced": False}, {"forced": True, "force_reason": "reviewer asked"}])
    assert "opened 2 times (forced: reviewer asked)" in forced.title


def test_read_earlier_finds_what_exists_and_refuses_broken_json(tmp_path):
    assert read_earlier(tmp_path) == {"provenance": None, "split": None, "overfitting": None, "audit": None}
    (tmp_path / "artifacts").mkdir()
    (tmp_path / "artifacts/05_overfitting.json").write_text('{"test_reopened": true, "test_openings": 2}')
    (tmp_path / "test_audit.jsonl").write_text('{"forced": false}\n\n{"forced": false}\n')
    found = read_earlier(tmp_path)
    assert found["overfitting"]["test_openings"] == 2 and len(found["audit"]) == 2
    assert [f.check for f in earlier_findings(**found)] == ["test-reopened"]
    (tmp_path / "artifacts/split.json").write_text("{not json")
    with pytest.raises(LabError, match="split.json is not valid JSON"):
        read_earlier(tmp_path)


def test_records_for_artifacts_have_no_dates_and_checks_point_at_entries(tmp_path):
    path = _write(tmp_path, _entry("E001"))
    entries = raise_entries(path, [SMALL], date(2026, 5, 4))
    records = entry_records(entries)
    assert all("opened" not in r and "resolved" not in r for r in records)
    assert records[1]["auto"] == "small-test-set"
    assert check_status([SMALL, GAP], entries) == [
        {"check": "small-test-set", "entry": "E002", "status": "open", "blocks_release": False},
        {"check": "subgroup-gap:sex", "entry": None, "status": None, "blocks_release": True},
    ]


def _run_with_artifacts(tmp_path):
    import json

    artifacts = tmp_path / "run" / "artifacts"
    artifacts.mkdir(parents=True)
    site = {"column": "site", "adjusted_balanced_accuracy": 0.91, "threshold": 0.5, "folds": 5, "flagged": True}
    batch = {**site, "column": "batch", "adjusted_balanced_accuracy": 0.02, "flagged": False}
    artifacts.joinpath("01_data_provenance.json").write_text(json.dumps({
        "warnings": [{"check": "confounding", "column": "site", "message": "The metadata column 'site' alone …"}],
        "confounding": None, "confounding_by_column": {"site": site, "batch": batch}}))
    artifacts.joinpath("05_overfitting.json").write_text(json.dumps({"shuffled_labels": {
        "network": {"observed": 0.52, "null": [0.49, 0.55, 0.5], "p_value": 0.5, "flagged": True},
        "svm": {"observed": 0.9, "null": [0.5, 0.48, 0.51], "p_value": 0.25, "flagged": False}}}))
    artifacts.joinpath("06_interpretation.json").write_text(json.dumps({
        "shortcut": {"columns": ["site", "batch"], "label_from_metadata": {"roc_auc_mean": 0.86},
                     "predictions_from_metadata": {"roc_auc_mean": 0.93},
                     "score_drop_without_metadata": {"network": {"with": 0.97, "without": 0.71, "drop": 0.26},
                                                     "svm": {"with": 0.8, "without": 0.79, "drop": 0.01}}},
        "surrogate": {"rules": "|--- site_north <= 0.500\n|   |--- class: a\n|--- site_north >  0.500\n"
                               "|   |--- class: b\n", "fidelity_tune": 0.95}}))
    return tmp_path / "run"


def test_confounding_shortcut_and_memorisation_checks_become_register_entries_once(tmp_path):
    from {{ cookiecutter.module_name }}_engine.ethics.auto_findings import run_findings

    run_dir = _run_with_artifacts(tmp_path)
    findings = run_findings(run_dir, ["site", "batch"])
    titles = {f.check: f.title for f in findings}
    assert list(titles) == ["confounding:site", "shuffled-labels:network", "shortcut:label", "shortcut:predictions",
                            "shortcut:score", "surrogate:metadata"]
    assert "'site' alone predicts the label (chance-adjusted balanced accuracy 0.91" in titles["confounding:site"]
    assert "tune ROC-AUC 0.520, reached by 1 of 3 shuffled refits (best 0.550" in titles["shuffled-labels:network"]
    assert "ROC-AUC 0.86" in titles["shortcut:label"] and "0.93" in titles["shortcut:predictions"]
    assert "network 0.970 with, 0.710 without" in titles["shortcut:score"] and "svm" not in titles["shortcut:score"]
    assert "site" in titles["surrogate:metadata"]
    # the metadata column's 01 warning is not raised a second time under the group column's key
    provenance = read_earlier(run_dir)["provenance"]
    assert earlier_findings(provenance) == []
    path = tmp_path / "register.yaml"
    path.write_text(HEADER + "entries: []\n")
    first = raise_entries(path, findings, date(2026, 5, 4))
    again = raise_entries(path, run_findings(run_dir, ["site", "batch"]), date(2026, 5, 5))
    assert len(first) == len(again) == 6 and all(e.blocks_release and e.status == "open" for e in again)
    assert run_findings(tmp_path / "nothing") == []
