from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.errors import LabError
from {{ cookiecutter.module_name }}.ethics import (
    blocking_entries,
    load_register,
    open_entries,
    register_table,
)

SHIPPED = Path(__file__).resolve().parents[1] / "ethics" / "register.yaml"

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
