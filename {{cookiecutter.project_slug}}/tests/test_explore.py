import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.errors import LabError
from {{ cookiecutter.module_name }}.explore import (
    class_balance,
    duplicate_rows,
    missingness,
    summarize,
)


def _table():
    return pd.DataFrame(
        {
            "expression": [1.0, 2.0, np.nan, 1.0, 2.0, 2.0, 5.0],
            "tissue": pd.Series(["liver", None, "lung", "liver", None, None, "skin"], dtype="str"),
            "mostly_empty": [np.nan, np.nan, np.nan, np.nan, np.nan, 3.0, np.nan],
        }
    )


def test_class_balance_counts_each_label_as_text():
    assert class_balance(np.array([2, 1, 2, 2])) == {"1": 1, "2": 3}
    with pytest.raises(LabError, match="no class label"):
        class_balance(np.array(["a", None, "b"], dtype=object))


def test_missingness_is_sorted_most_missing_first():
    table = missingness(_table())
    assert list(table["column"]) == ["mostly_empty", "tissue", "expression"]
    assert list(table["n_missing"]) == [6, 3, 1]
    assert table.loc[0, "fraction"] == pytest.approx(6 / 7, abs=1e-6)


def test_duplicate_rows_groups_identical_rows_treating_missing_as_equal():
    assert duplicate_rows(_table()) == [[0, 3], [1, 4]]
    frame = _table().drop(columns="mostly_empty")
    assert duplicate_rows(frame) == [[0, 3], [1, 4, 5]]
    assert duplicate_rows(frame.drop_duplicates()) == []


def test_summarize_describes_table_and_warns_in_sentences():
    frame = _table().drop(columns="mostly_empty")
    frame["constant"] = 7
    y = np.array(["a", "a", "b", "a", "b", "b", "b"], dtype=object)
    summary = summarize(frame, y)
    assert summary["n_rows"] == 7 and summary["n_columns"] == 3
    assert summary["numeric_columns"] == ["expression", "constant"]
    assert summary["categorical_columns"] == ["tissue"]
    assert summary["class_balance"] == {"a": 3, "b": 4}
    assert summary["columns_with_missing"] == ["tissue", "expression"]
    assert summary["n_duplicate_groups"] == 2
    text = " ".join(summary["warnings"])
    assert "2 group(s) of identical feature rows (5 rows)" in text
    assert "1 duplicate group(s) carry different labels" in text
    assert "'constant' has a single value" in text
    assert all(w.endswith(".") for w in summary["warnings"])


def test_summarize_flags_identifier_like_columns():
    samples = pd.Series([f"S{i}" for i in range(5)], dtype="str")
    frame = pd.DataFrame({"sample": samples, "x": [1.0, 2, 3, 4, 5]})
    summary = summarize(frame, np.array(["a", "b", "a", "b", "a"], dtype=object))
    assert any("'sample' is unique for every row" in w for w in summary["warnings"])
    assert not any("'x' is unique" in w for w in summary["warnings"])


def test_summarize_warns_about_heavy_missingness_and_imbalance():
    frame = pd.DataFrame({"x": [np.nan] * 6 + [1.0, 2.0], "z": np.arange(8.0)})
    summary = summarize(frame, np.array(["a"] * 7 + ["b"], dtype=object))
    text = " ".join(summary["warnings"])
    assert "'x' is 75% missing" in text
    assert "7.0 times" in text


def test_mismatched_rows_and_labels_are_a_lab_error():
    with pytest.raises(LabError, match="must match"):
        summarize(_table(), np.array(["a", "b"]))
