import numpy as np
import pandas as pd
import pytest
from conftest import edit_yaml

from {{ cookiecutter.module_name }}_engine.cli.commands import main
from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.data.declared import check_declared_columns, declared_columns
from {{ cookiecutter.module_name }}_engine.ethics.subgroups import (
    assign_groups,
    group_metrics,
    quantile_edges,
    subgroup_definitions,
    subgroup_gaps,
    subgroup_table,
)
from {{ cookiecutter.module_name }}_engine.settings.config import load_config

CLASSES = np.array(["benign", "malignant"])


def _proba(positive):
    positive = np.asarray(positive, dtype=float)
    return np.column_stack([1 - positive, positive])


def test_numbers_are_cut_at_training_quantiles_with_readable_labels():
    edges = quantile_edges(np.arange(1, 13), 3)
    assert edges == pytest.approx([4.666667, 8.333333])
    groups = assign_groups(pd.Series([1.0, 4.666667, 5.0, 12.0, np.nan]), edges)
    assert groups.tolist() == ["≤ 4.66667", "≤ 4.66667", "4.66667–8.33333", "> 8.33333", "missing"]
    assert assign_groups(pd.Series(["F", None, "M"])).tolist() == ["F", "missing", "M"]


def test_definitions_bin_many_valued_numbers_and_keep_categories_and_few_values():
    train = pd.DataFrame({"age": np.arange(30.0), "sex": ["F", "M"] * 15, "site": [1, 2, 3] * 10})
    definitions = subgroup_definitions(train, bins=3)
    assert definitions["age"]["kind"] == "quantile bins" and len(definitions["age"]["edges"]) == 2
    assert definitions["sex"] == {"kind": "values", "edges": None}
    assert definitions["site"] == {"kind": "values", "edges": None}  # three values, three groups


def test_group_metrics_leave_roc_auc_and_mcc_empty_when_one_class_is_present():
    full = group_metrics(np.array(["benign", "malignant", "malignant"]), _proba([0.2, 0.9, 0.4]), CLASSES)
    assert full == {"n": 3, "prevalence": pytest.approx(2 / 3, abs=1e-6), "roc_auc": 1.0,
                    "balanced_accuracy": 0.75, "mcc": pytest.approx(0.5, abs=1e-6)}
    single = group_metrics(np.array(["benign", "benign"]), _proba([0.2, 0.7]), CLASSES)
    assert single["roc_auc"] is None and single["mcc"] is None and single["balanced_accuracy"] == 0.5


def _study(n=120, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"sex": rng.choice(["F", "M"], n), "site": rng.choice(["a", "b", "c"], n)})
    y = rng.choice(CLASSES, n)
    positive = np.where(y == "malignant", 0.8, 0.2)
    positive = np.where(frame["sex"] == "M", 1 - positive, positive)  # the model fails for M
    return frame, y, _proba(positive)


def test_table_lists_each_group_and_large_enough_intersections_and_flags_the_gap():
    frame, y, proba = _study()
    definitions = subgroup_definitions(frame, bins=3)
    table = subgroup_table(frame, y, proba, CLASSES, definitions, min_count=15)
    assert list(table.columns) == ["subgroup", "group", "n", "prevalence", "roc_auc", "balanced_accuracy", "mcc"]
    sex = table[table["subgroup"] == "sex"].set_index("group")
    assert sex.loc["F", "balanced_accuracy"] == 1.0 and sex.loc["M", "balanced_accuracy"] == 0.0
    pairs = table[table["subgroup"] == "sex × site"]
    assert len(pairs) >= 1 and (pairs["n"] >= 15).all()
    assert table["n"][table["subgroup"] == "sex"].sum() == len(y)
    gaps = subgroup_gaps(table, threshold=0.1)
    assert gaps["sex"] == {"metric": "balanced_accuracy", "gap": 1.0, "worst": "M", "best": "F", "flagged": True}
    assert gaps["site"]["flagged"] == (gaps["site"]["gap"] > 0.1)
    tiny = subgroup_table(frame, y, proba, CLASSES, definitions, min_count=1000)
    assert tiny["balanced_accuracy"].isna().all() and "sex × site" not in set(tiny["subgroup"])
    assert subgroup_gaps(tiny, 0.1)["sex"]["gap"] is None


def test_absent_subgroup_column_is_one_sentence_with_the_available_columns(project):
    edit_yaml(project / "lab.yaml", **{"data.subgroup_columns": ["sex"]})
    cfg = load_config(project / "lab.yaml")
    with pytest.raises(LabError) as caught:
        check_declared_columns(cfg, project)
    message = str(caught.value)
    assert message.startswith("lab.yaml field 'data.subgroup_columns' names column(s) sex, which ")
    assert "mean_radius" in message and "diagnosis" in message and "\n" not in message


def test_declared_numeric_feature_is_read_in_file_order(project):
    edit_yaml(project / "lab.yaml", **{"data.subgroup_columns": ["mean_radius"], "data.metadata_columns": []})
    cfg = load_config(project / "lab.yaml")
    column = declared_columns(cfg, project, "subgroup_columns")
    assert list(column.columns) == ["mean_radius"] and len(column) == 569 and column.iloc[0, 0] == 17.99
    edit_yaml(project / "lab.yaml", **{"data.subgroup_columns": ["diagnosis"]})
    with pytest.raises(LabError, match="names the target column 'diagnosis'"):
        declared_columns(load_config(project / "lab.yaml"), project, "subgroup_columns")


def test_run_refuses_an_absent_metadata_column_before_any_notebook(project, capsys):
    code = main(["--config", str(project / "lab.yaml"), "run", "-p", "data.metadata_columns=[batch]"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: lab.yaml field 'data.metadata_columns' names column(s) batch")
    assert not (project / "reports").exists()
