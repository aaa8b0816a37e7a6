"""The REFORMS checklist and the DOME Registry entry: structure, answers from a run, schema checks."""

import copy
import json

from fake_run import ARTIFACTS, make_run

from {{ cookiecutter.module_name }}_engine.cli.commands import main
from {{ cookiecutter.module_name }}_engine.reports.documents import PERSON
from {{ cookiecutter.module_name }}_engine.reports.dome import dome_document
from {{ cookiecutter.module_name }}_engine.reports.dome_registry import SCHEMA_FILE, answered, registry_entry, validation_errors
from {{ cookiecutter.module_name }}_engine.reports.reforms import ITEMS, SECTIONS, reforms_document
from {{ cookiecutter.module_name }}_engine.reports.report import build_report
from {{ cookiecutter.module_name }}_engine.reports.runfacts import RunFacts


def test_reforms_has_32_items_in_8_sections_each_with_an_owner():
    per_section = [sum(item.id[0] == number for item in ITEMS) for number in SECTIONS]
    assert per_section == [3, 5, 7, 3, 6, 3, 3, 2]
    assert len({item.id for item in ITEMS}) == 32
    assert {item.by for item in ITEMS} == {"run", "person"}


def test_reforms_answers_from_the_run_and_marks_what_a_person_must_add(tmp_path):
    run_dir = make_run(tmp_path / "run")
    summary = build_report(run_dir)
    text = (run_dir / "REFORMS.md").read_text(encoding="utf-8")
    assert text.count("· by: run`") + text.count("· by: person`") == 32
    assert f"Completeness: {summary.standards.reforms_done} of 32 items" in text
    assert "Do nuclei features separate the diagnoses?" in text  # 1a shows the recorded question
    assert text.count(PERSON) >= sum(item.by == "person" for item in ITEMS)
    assert "reforms.html" in (run_dir / "index.html").read_text(encoding="utf-8")
    assert (run_dir / "reforms.html").is_file()


def test_reforms_completeness_falls_when_notebooks_did_not_run(tmp_path):
    full = reforms_document(RunFacts.load(make_run(tmp_path / "full")))[1]
    partial = {k: v for k, v in ARTIFACTS.items() if k not in ("05_overfitting", "04_tuning")}
    fewer = reforms_document(RunFacts.load(make_run(tmp_path / "partial", partial)))[1]
    assert fewer[0] < full[0] and fewer[1] == full[1] == 32


def test_registry_entry_has_typed_fields_and_passes_the_schema(tmp_path):
    facts = RunFacts.load(make_run(tmp_path / "run"))
    entry = registry_entry(facts, dome_document(facts))
    assert validation_errors(entry) == []
    assert entry["data"]["splits"]["dpPerSplit"] == [60, 20, 20]
    assert entry["data"]["redundancy"]["isIndep"] is True and entry["data"]["redundancy"]["enfMeth"]
    assert entry["evaluation"]["confidance"] == {"hasCI": True, "isStatSig": True}
    assert entry["optimization"]["parameters"]["numP"] == 500
    assert entry["optimization"]["regularisation"]["regTechs"] == ["dropout", "inverse regularisation strength C"]
    filled, total = answered(entry)
    assert total == 21 and 0 < filled < 21


def test_schema_refuses_wrong_types_and_misspelt_fields(tmp_path):
    facts = RunFacts.load(make_run(tmp_path / "run"))
    entry = registry_entry(facts, dome_document(facts))
    wrong = copy.deepcopy(entry)
    wrong["data"]["redundancy"]["isIndep"] = "yes"
    wrong["evaluation"]["confidance"]["intervals"] = [0.9, 0.99]
    errors = validation_errors(wrong)
    assert any(e.startswith("data/redundancy/isIndep") for e in errors)
    assert any(e.startswith("evaluation/confidance") and "intervals" in e for e in errors)
    assert "CC BY 4.0" in json.loads(SCHEMA_FILE.read_text())["x-licence"]


def test_report_command_prints_reforms_and_registry_lines(project, capsys):
    make_run(project / "reports" / "runs" / "20260101-100000-quick")
    assert main(["--config", str(project / "lab.yaml"), "report"]) == 0
    out = capsys.readouterr().out
    assert "REFORMS completeness: " in out and " of 32 items answered from the run" in out
    assert "dome-registry.json valid against the DOME Registry schema 2.0.0" in out
