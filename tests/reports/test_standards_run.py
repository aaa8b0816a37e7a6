"""A real run's REFORMS checklist and DOME Registry entry: written, linked, valid, and printed by `run`."""

import json
import re

import jsonschema
import pytest
from conftest import DEFAULT_MODULE, TEMPLATE_PROJECT_DIR

SCHEMA = (TEMPLATE_PROJECT_DIR / "src" / "{{cookiecutter.module_name}}_engine" / "reports" / "schemas"
          / "dome-registry-schema-2.0.0.json")
# The 21 DOME fields of the registry's schema 2.0.0, by section, and a few typed sub-fields.
REGISTRY_FIELDS = {
    "data": {"availability", "provenance", "redundancy", "splits"},
    "optimization": {"algorithm", "config", "encoding", "features", "fit", "meta", "parameters", "regularisation"},
    "model": {"availability", "duration", "interpretability", "output"},
    "evaluation": {"method", "availability", "comparison", "confidance", "measure"},
}


def test_schema_is_valid_json_schema_with_the_registry_fields_and_licence():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    sections = schema["properties"]
    assert {name: set(sections[name]["properties"]) - {"done", "skip"} for name in REGISTRY_FIELDS} == REGISTRY_FIELDS
    assert sections["data"]["properties"]["redundancy"]["properties"]["isIndep"]["type"] == ["boolean", "null"]
    assert "CC BY 4.0" in schema["x-licence"] and "dome-schema" in schema["x-source"]


@pytest.mark.slow
def test_default_run_writes_a_valid_registry_entry_and_the_reforms_checklist(quick_run):
    project, run_dir, stdout = quick_run
    entry = json.loads((run_dir / "dome-registry.json").read_text(encoding="utf-8"))
    schemas = project / "src" / f"{DEFAULT_MODULE}_engine" / "reports" / "schemas"
    schema = json.loads((schemas / SCHEMA.name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(entry)
    assert entry["data"]["splits"]["dpPerSplit"] and isinstance(entry["data"]["redundancy"]["isIndep"], bool)
    assert entry["evaluation"]["confidance"]["hasCI"] is True
    assert "dome-registry.json valid against the DOME Registry schema 2.0.0" in stdout

    reforms = (run_dir / "REFORMS.md").read_text(encoding="utf-8")
    done = int(re.search(r"REFORMS completeness: (\d+) of 32 items answered from the run", stdout).group(1))
    assert f"Completeness: {done} of 32 items" in reforms and done >= 20
    assert reforms.count("· by: run`") + reforms.count("· by: person`") == 32
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="reforms.html"' in index and 'href="dome-registry.json"' in index
    assert (run_dir / "reforms.html").is_file()
