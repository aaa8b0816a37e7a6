import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.data.columns import categorical_columns, numeric_columns
from {{ cookiecutter.module_name }}_engine.modalities.tabular.features import as_text
from {{ cookiecutter.module_name }}_engine.models.preprocess import make_preprocessor


def _mixed(n=40, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "expression": rng.normal(5.0, 2.0, n),
            "count": rng.integers(0, 50, n),
            "tissue": pd.Series(rng.choice(["liver", "lung", "skin"], n), dtype="str"),
            "stage": pd.Categorical(rng.choice(["I", "II"], n)),
            "treated": rng.choice([True, False], n),
        }
    )
    frame.loc[[1, 5], "expression"] = np.nan
    frame.loc[[2, 7], "tissue"] = np.nan
    return frame


def test_columns_are_sorted_into_numbers_and_categories():
    frame = _mixed()
    assert numeric_columns(frame) == ["expression", "count"]
    assert categorical_columns(frame) == ["tissue", "stage", "treated"]


def test_output_is_dense_float_without_missing_values():
    frame = _mixed()
    out = make_preprocessor(frame).fit_transform(frame)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    assert out.shape == (len(frame), 2 + 3 + 2 + 2)
    assert np.isfinite(out).all()


def test_scaling_and_imputation_are_learned_from_training_rows_only():
    frame = _mixed(60)
    train = frame.iloc[:30]
    prep = make_preprocessor(frame).fit(train)
    imputer = prep.named_transformers_["numeric"]["impute"]
    assert imputer.statistics_[0] == pytest.approx(train["expression"].median())
    scaled = prep.transform(train)[:, 1]
    assert scaled.mean() == pytest.approx(0.0, abs=1e-9)
    assert abs(prep.transform(frame.iloc[30:])[:, 1].mean()) > 1e-6


def test_unseen_category_becomes_an_all_zero_code():
    frame = _mixed()
    prep = make_preprocessor(frame).fit(frame)
    novel = frame.iloc[[0]].copy()
    novel["tissue"] = "brain"
    names = list(prep.get_feature_names_out())
    tissue = [i for i, name in enumerate(names) if "tissue" in name]
    assert prep.transform(novel)[0, tissue].sum() == 0.0


def test_as_text_keeps_missing_values_and_writes_booleans_as_text():
    out = as_text(pd.DataFrame({"a": [True, None, False]}))
    assert out[0, 0] == "True" and out[2, 0] == "False"
    assert pd.isna(out[1, 0])


def test_bad_tables_raise_one_sentence_lab_errors():
    with pytest.raises(LabError, match="DataFrame"):
        make_preprocessor(np.zeros((3, 2)))
    with pytest.raises(LabError, match="no columns"):
        make_preprocessor(pd.DataFrame(index=range(3)))
    dated = pd.DataFrame({"when": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    with pytest.raises(LabError, match="when"):
        make_preprocessor(dated)


def test_tune_and_test_rows_never_change_what_is_fitted():
    frame = _mixed(60)
    train = list(range(40))
    reference = make_preprocessor(frame).fit(frame.iloc[train])
    altered = frame.copy()
    altered.loc[40:, "expression"] = 1e6  # held-out rows changed beyond recognition
    altered.loc[40:, "tissue"] = "brain"
    altered.loc[40:, "count"] = np.nan
    refit = make_preprocessor(altered).fit(altered.iloc[train])
    assert np.array_equal(reference.transform(frame.iloc[train]), refit.transform(altered.iloc[train]))
    categories = refit.named_transformers_["categorical"]["encode"].categories_[0]
    assert "brain" not in set(categories)
