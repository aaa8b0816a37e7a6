import numpy as np
import pandas as pd
import pytest
from conftest import edit_yaml

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.data.loading import load_dataset
from {{ cookiecutter.module_name }}_engine.data.tables import read_table
from {{ cookiecutter.module_name }}_engine.settings.config import load_config
from {{ cookiecutter.module_name }}_engine.tasks.classification.labels import class_order


def _use_table(project, frame, name="mine.csv", sep=",", **changes):
    path = project / "data" / name
    frame.to_csv(path, index=False, sep=sep)
    edit_yaml(project / "lab.yaml", **{"data.path": f"data/{name}", **changes})
    return load_config(project / "lab.yaml")


def test_builtin_table_loads_with_positive_class_last(project):
    data = load_dataset(load_config(project / "lab.yaml"), project)
    assert data.X.shape == (569, 30)
    assert data.classes == ("benign", "malignant")
    assert "diagnosis" not in data.X.columns and "sample_id" not in data.X.columns
    assert len(set(data.ids)) == 569


def test_user_tsv_with_categorical_missing_and_three_classes(project):
    frame = pd.DataFrame({
        "gene_a": [1.0, np.nan, 3.0, 4.0, 5.0, 6.0],
        "tissue": ["liver", "lung", None, "liver", "lung", "skin"],
        "label": ["x", "y", "z", "x", "y", "z"],
        "patient": ["p1", "p1", "p2", "p2", "p3", "p3"],
    })
    changes = {"data.target": "label", "data.id_column": None, "data.group_column": "patient",
               "data.positive_class": None}
    cfg = _use_table(project, frame, "mine.tsv", sep="\t", **changes)
    data = load_dataset(cfg, project)
    assert list(data.X.columns) == ["gene_a", "tissue"]
    assert data.classes == ("x", "y", "z")
    assert list(data.groups) == ["p1", "p1", "p2", "p2", "p3", "p3"]


def test_metadata_columns_are_not_model_inputs_unless_lab_yaml_says_so(project):
    frame = pd.DataFrame({
        "gene_a": [1.0, 2.0, 3.0, 4.0], "site": ["n", "s", "n", "s"], "label": ["x", "y", "x", "y"],
    })
    changes = {"data.target": "label", "data.id_column": None, "data.positive_class": None,
               "data.metadata_columns": ["site"]}
    cfg = _use_table(project, frame, "meta.csv", sep=",", **changes)
    assert cfg.data.metadata_as_inputs is False and list(load_dataset(cfg, project).X.columns) == ["gene_a"]
    edit_yaml(project / "lab.yaml", **{"data.metadata_as_inputs": True})
    assert list(load_dataset(load_config(project / "lab.yaml"), project).X.columns) == ["gene_a", "site"]


@pytest.mark.parametrize(
    ("frame", "changes", "expected"),
    [
        (pd.DataFrame({"a": [1, 2], "b": ["u", "v"]}), {"data.target": "label"}, "names column 'label'"),
        (pd.DataFrame({"a": [1, 2], "label": ["u", "u"]}), {"data.target": "label"}, "single class"),
        (pd.DataFrame({"a": [1, 2, 3], "label": ["u", None, "v"]}), {"data.target": "label"}, "empty on line"),
        (pd.DataFrame({"a": [1, 2], "id": ["s", "s"], "label": ["u", "v"]}),
         {"data.target": "label", "data.id_column": "id"}, "repeats ids"),
        (pd.DataFrame({"a": [1, 2], "label": ["u", "v"]}),
         {"data.target": "label", "data.group_column": "site"}, "data.group_column"),
    ],
)
def test_bad_tables_name_the_field_and_fix(project, frame, changes, expected):
    changes = {"data.id_column": None, "data.positive_class": None, **changes}
    cfg = _use_table(project, frame, **changes)
    with pytest.raises(LabError, match=expected):
        load_dataset(cfg, project)


def test_missing_empty_and_unknown_format(project):
    with pytest.raises(LabError, match="does not exist"):
        read_table(project / "nope.csv", "nope.csv")
    (project / "empty.csv").write_text("")
    with pytest.raises(LabError, match="is empty"):
        read_table(project / "empty.csv", "empty.csv")
    (project / "table.xlsx").write_text("x")
    with pytest.raises(LabError, match="not a table format"):
        read_table(project / "table.xlsx", "table.xlsx")


def test_class_order_rejects_unknown_positive():
    assert class_order(np.array(["b", "a", "c"]), "a", "f") == ("b", "c", "a")
    with pytest.raises(LabError, match="positive_class"):
        class_order(np.array(["b", "a"]), "z", "f")


def test_parquet_with_categories_missing_values_and_string_labels(project):
    frame = pd.DataFrame({
        "sample": ["s1", "s2", "s3", "s4"],
        "gene_a": [1.0, np.nan, 3.0, 4.0],
        "tissue": ["liver", None, "lung", "liver"],
        "label": ["x", "y", "z", "x"],
    })
    frame.to_parquet(project / "data/mine.parquet", index=False)
    edit_yaml(project / "lab.yaml", **{"data.path": "data/mine.parquet", "data.target": "label",
                                       "data.id_column": "sample", "data.positive_class": None})
    data = load_dataset(load_config(project / "lab.yaml"), project)
    assert list(data.X.columns) == ["gene_a", "tissue"] and data.classes == ("x", "y", "z")
    assert list(data.ids) == ["s1", "s2", "s3", "s4"] and data.X["gene_a"].isna().sum() == 1


def test_unreadable_files_name_the_format_and_the_fix(project):
    (project / "broken.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(LabError, match="broken.parquet could not be read as Parquet.*save it as .csv"):
        read_table(project / "broken.parquet", "broken.parquet")
    (project / "binary.csv").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(LabError, match="binary.csv could not be read as CSV.*delimiter and encoding"):
        read_table(project / "binary.csv", "binary.csv")
