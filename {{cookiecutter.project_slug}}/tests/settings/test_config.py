import pytest
from conftest import edit_yaml

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.settings.config import load_config, parse_override


def test_shipped_lab_yaml_is_valid(project):
    cfg = load_config(project / "lab.yaml")
    assert cfg.data.target == "diagnosis"
    assert cfg.split.test == pytest.approx(0.2)
    assert cfg.budget == cfg.profiles[cfg.profile]


def test_overrides_apply_before_validation(project):
    cfg = load_config(project / "lab.yaml", {"seed": 7, "split.tune": 0.25, "profile": "full"})
    assert (cfg.seed, cfg.split.tune, cfg.profile) == (7, 0.25, "full")
    assert cfg.budget.n_trials == cfg.profiles["full"].n_trials


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"seed": -1}, "field 'seed'"),
        ({"split.train": 0.9}, "leaves no test set"),
        ({"network.optimizer": "rmsprop"}, "field 'network.optimizer'"),
        ({"profile": "slow"}, "field 'profile'"),
        ({"modality": "image", "data.labels": "data/labels.csv", "task": "regression"},
         "data.positive_class ('malignant') applies to classification only"),  # images take regression, not classes
    ],
)
def test_bad_field_names_the_field_and_the_file(project, changes, expected):
    edit_yaml(project / "lab.yaml", **changes)
    with pytest.raises(LabError) as error:
        load_config(project / "lab.yaml")
    assert expected in str(error.value)
    assert "lab.yaml" in str(error.value)


def test_unknown_field_is_refused(project):
    text = (project / "lab.yaml").read_text().replace("seed: 42", "seeed: 42", 1)
    (project / "lab.yaml").write_text(text)
    with pytest.raises(LabError, match="'seeed' is not a known field"):
        load_config(project / "lab.yaml")


def test_override_error_points_at_the_option(project):
    with pytest.raises(LabError, match="option -p split.train"):
        load_config(project / "lab.yaml", {"split.train": 2})


def test_malformed_yaml_names_line(project):
    (project / "lab.yaml").write_text("study:\n  question: a\n bad: [\n")
    with pytest.raises(LabError, match=r"not valid YAML at line \d+"):
        load_config(project / "lab.yaml")


def test_missing_file(tmp_path):
    with pytest.raises(LabError, match="not found"):
        load_config(tmp_path / "lab.yaml")


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("seed=7", ("seed", 7)),
        ("network.hidden=[8, 8]", ("network.hidden", [8, 8])),
        ("data.group_column=null", ("data.group_column", None)),
    ],
)
def test_parse_override_reads_yaml_values(text, pair):
    assert parse_override(text) == pair


def test_parse_override_needs_equals():
    with pytest.raises(LabError, match="key=value"):
        parse_override("seed")


def test_new_sections_have_defaults_for_older_lab_files(project):
    import yaml

    raw = yaml.safe_load((project / "lab.yaml").read_text())
    raw.pop("test_set")
    del raw["split"]["seed"]
    for budget in raw["profiles"].values():
        for key in ("shuffled_label_runs", "shuffled_label_runs_network", "bootstrap"):
            budget.pop(key)
    (project / "lab.yaml").write_text(yaml.safe_dump(raw))
    cfg = load_config(project / "lab.yaml")
    assert cfg.test_set.reopen_reason is None and cfg.split_seed == cfg.seed
    assert (cfg.budget.shuffled_label_runs, cfg.budget.bootstrap) == (10, 200)
    with pytest.raises(LabError, match="bootstrap"):
        load_config(project / "lab.yaml", {"profiles.quick.bootstrap": 5})


def test_metadata_as_inputs_defaults_to_false_and_applies_to_tables_only(project):
    cfg = load_config(project / "lab.yaml")
    assert cfg.data.metadata_as_inputs is False and "metadata_as_inputs: false" in (project / "lab.yaml").read_text()
    assert load_config(project / "lab.yaml", {"data.metadata_as_inputs": True}).data.metadata_as_inputs is True
    with pytest.raises(LabError, match="data.metadata_as_inputs applies to tables only"):
        load_config(project / "lab.yaml", {"modality": "sequence", "data.metadata_as_inputs": True})
