import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.data.explore import (
    class_balance,
    duplicate_rows,
    group_predicts_label,
    missingness,
    near_duplicate_pairs,
    pca_projection,
    repeated_subjects,
    standardised,
    structure_warnings,
    summarize,
)
from {{ cookiecutter.module_name }}_engine.modalities.registry import modality_named
from {{ cookiecutter.module_name }}_engine.modalities.tabular.features import make_table_preprocessor

TABLES = modality_named("tabular")


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
    summary = summarize(frame, y, TABLES)
    assert summary["n_rows"] == 7 and summary["n_columns"] == 3
    assert summary["numeric_columns"] == ["expression", "constant"]
    assert summary["categorical_columns"] == ["tissue"]
    assert summary["class_balance"] == {"a": 3, "b": 4}
    assert summary["columns_with_missing"] == ["tissue", "expression"]
    assert summary["n_duplicate_groups"] == 2
    text = " ".join(w["message"] for w in summary["warnings"])
    assert {w["check"] for w in summary["warnings"]} == {"duplicates", "columns"}
    assert "2 group(s) of identical feature rows (5 rows)" in text
    assert "1 duplicate group(s) carry different labels" in text
    assert "'constant' has a single value" in text
    assert all(w["message"].endswith(".") for w in summary["warnings"])


def test_summarize_flags_identifier_like_columns():
    samples = pd.Series([f"S{i}" for i in range(5)], dtype="str")
    frame = pd.DataFrame({"sample": samples, "x": [1.0, 2, 3, 4, 5]})
    summary = summarize(frame, np.array(["a", "b", "a", "b", "a"], dtype=object), TABLES)
    messages = [w["message"] for w in summary["warnings"]]
    assert any("'sample' is unique for every row" in w for w in messages)
    assert not any("'x' is unique" in w for w in messages)


def test_summarize_warns_about_heavy_missingness_and_imbalance():
    frame = pd.DataFrame({"x": [np.nan] * 6 + [1.0, 2.0], "z": np.arange(8.0)})
    summary = summarize(frame, np.array(["a"] * 7 + ["b"], dtype=object), TABLES)
    text = " ".join(w["message"] for w in summary["warnings"])
    assert {w["check"] for w in summary["warnings"]} >= {"missingness", "class_balance"}
    assert "'x' is 75% missing" in text
    assert "7.0 times" in text


def test_mismatched_rows_and_labels_are_a_lab_error():
    with pytest.raises(LabError, match="must match"):
        summarize(_table(), np.array(["a", "b"]), TABLES)


def test_near_duplicates_follow_the_documented_rule():
    Z = np.array([[0.0, 0.0], [0.005, -0.009], [0.0, 0.02], [3.0, 3.0], [3.0, 3.0]])
    assert near_duplicate_pairs(Z, 0.01) == [(0, 1), (3, 4)]
    assert near_duplicate_pairs(Z, 0.01, exact_groups=[[3, 4]]) == [(0, 1)]  # exact copies counted once
    assert near_duplicate_pairs(Z, 0.03, exact_groups=[[3, 4]]) == [(0, 1), (0, 2), (1, 2)]
    assert near_duplicate_pairs(Z, 0.0) == []


def test_standardised_features_are_scaled_on_the_fitting_rows_only():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 100.0], "tissue": ["a", "b", "a", "zzz"]})
    Z = standardised(frame, [0, 1, 2], make_table_preprocessor(frame))
    assert Z[:3, 0].mean() == pytest.approx(0.0)
    assert Z.shape == (4, 3) and Z[3, 1:].sum() == 0.0  # an unseen category is all zeros


def test_builtin_data_has_no_exact_or_near_duplicates(project):
    table = pd.read_csv(project / "data/external/breast_cancer_wisconsin.csv").drop(columns=["sample_id", "diagnosis"])
    assert duplicate_rows(table) == []
    assert near_duplicate_pairs(standardised(table, range(len(table)), make_table_preprocessor(table)), 0.01) == []


def test_repeated_subjects_count_independent_groups():
    assert repeated_subjects(None) is None
    found = repeated_subjects(np.array(["p1", "p1", "p2", "p3", "p3", "p3"]))
    assert found == {"n_samples": 6, "n_groups": 3, "n_repeated_groups": 2, "samples_in_repeated_groups": 5,
                     "largest_group": 3, "examples": ["p1", "p3"]}


def test_a_group_that_predicts_the_label_is_flagged_as_confounding():
    rng = np.random.default_rng(0)
    sites = np.repeat(["site_a", "site_b", "site_c", "site_d"], 30)
    confounded = np.where(np.isin(sites, ["site_a", "site_b"]), "sick", "healthy")
    result = group_predicts_label(sites, confounded, threshold=0.5, seed=0)
    assert result["adjusted_balanced_accuracy"] == 1.0 and result["flagged"] is True
    independent = rng.choice(["sick", "healthy"], size=len(sites))
    assert group_predicts_label(sites, independent, threshold=0.5, seed=0)["flagged"] is False
    assert group_predicts_label(None, independent, threshold=0.5) is None


def test_pca_projection_is_deterministic_and_reports_variance():
    Z = np.random.default_rng(1).normal(size=(40, 5)) * [5, 2, 1, 1, 1]
    coords, explained = pca_projection(Z, seed=0)
    again, _ = pca_projection(Z, seed=0)
    assert coords.shape == (40, 2) and np.array_equal(coords, again)
    assert explained[0] > explained[1] > 0


def test_structure_warnings_carry_contract_check_ids():
    subjects = {"n_samples": 6, "n_groups": 3, "n_repeated_groups": 2, "samples_in_repeated_groups": 5}
    confounding = {"adjusted_balanced_accuracy": 0.9, "threshold": 0.5, "flagged": True}
    found = structure_warnings([(0, 1)], subjects, confounding, 0.01)
    assert [w["check"] for w in found] == ["near_duplicates", "repeated_subjects", "confounding"]
    assert "about the information of 3 independent" in found[1]["message"]
    assert structure_warnings([], None, None, 0.01) == []


def test_every_metadata_column_is_asked_whether_it_alone_predicts_the_label():
    from {{ cookiecutter.module_name }}_engine.tasks.classification.confounding import columns_predict_label, confounding_warnings

    rng = np.random.default_rng(0)
    y = rng.choice(["sick", "healthy"], size=200)
    site = np.where(y == "sick", "north", "south").astype(object)
    site[rng.random(200) < 0.05] = "east"  # almost determines the class
    age = np.where(y == "sick", 60, 40) + rng.normal(0, 3, 200)  # numeric and confounded
    meta = pd.DataFrame({"site": site, "batch": rng.choice(["b1", "b2"], 200), "age": age, "patient": site})
    found = columns_predict_label(meta, y, threshold=0.5, seed=0, skip=["patient"])
    assert set(found) == {"site", "batch", "age"}  # the group column (skipped) is checked on its own
    assert found["site"]["flagged"] and found["age"]["flagged"] and not found["batch"]["flagged"]
    assert found["site"]["adjusted_balanced_accuracy"] > 0.85
    warnings = confounding_warnings(found)
    assert [w["column"] for w in warnings] == ["site", "age"]
    assert all(w["check"] == "confounding" and "alone predicts the label" in w["message"] for w in warnings)
    assert columns_predict_label(None, y, 0.5) == {}
