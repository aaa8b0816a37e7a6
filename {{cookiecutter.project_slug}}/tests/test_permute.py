import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.inspection import permutation_importance

from {{ cookiecutter.module_name }} import interpret
from {{ cookiecutter.module_name }}.baselines import make_model
from {{ cookiecutter.module_name }}.evaluate import score_model
from {{ cookiecutter.module_name }}.interpret import permutation_importance_table
from {{ cookiecutter.module_name }}.permute import shuffles_commute


def _table(n=300, categories=False):
    X, y = make_classification(n_samples=n, n_features=6, n_informative=3, random_state=0)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)])
    frame.iloc[::17, 2] = np.nan
    if categories:
        frame["site"] = np.where(np.arange(n) % 3 == 0, "a", "b")
    return frame, np.where(y == 1, "case", "control")


def test_numeric_tables_are_preprocessed_once_with_the_same_importances_as_shuffling_raw_columns(monkeypatch):
    X, y = _table()
    model = make_model("random_forest", X, {"n_estimators": 20}, seed=0).fit(X, y)
    assert shuffles_commute(model[:-1], X)
    table = permutation_importance_table(model, X, y, 3, seed=5)
    raw = permutation_importance(model, X, y, scoring=lambda m, a, b: score_model(m, a, b), n_repeats=3,
                                 random_state=5)
    by_feature = table.set_index("feature")["importance_mean"]
    assert np.allclose(by_feature[list(X.columns)].to_numpy(), raw.importances.mean(axis=1), atol=5e-7)
    monkeypatch.setattr(interpret, "shuffles_commute", lambda *_: False)  # every shuffle through the pipeline
    pd.testing.assert_frame_equal(table, permutation_importance_table(model, X, y, 3, seed=5), check_exact=True)


def test_categories_or_reordered_columns_keep_the_shuffles_on_the_raw_table():
    X, y = _table(categories=True)
    model = make_model("logistic_regression", X, seed=0).fit(X, y)
    assert not shuffles_commute(model[:-1], X)
    numeric, labels = _table()
    fitted = make_model("logistic_regression", numeric, seed=0).fit(numeric, labels)
    assert shuffles_commute(fitted[:-1], numeric)
    assert not shuffles_commute(fitted[:-1], numeric[list(reversed(numeric.columns))])
