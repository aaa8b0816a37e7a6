import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.inspection import permutation_importance

from {{ cookiecutter.module_name }}_engine.interpretation import importance
from {{ cookiecutter.module_name }}_engine.interpretation.importance import permutation_importance_table
from {{ cookiecutter.module_name }}_engine.interpretation.permute import shuffles_commute
from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import score_model
from {{ cookiecutter.module_name }}_engine.tasks.classification.models import make_model


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
    monkeypatch.setattr(importance, "shuffles_commute", lambda *_: False)  # every shuffle through the pipeline
    pd.testing.assert_frame_equal(table, permutation_importance_table(model, X, y, 3, seed=5), check_exact=True)


def test_categories_or_reordered_columns_keep_the_shuffles_on_the_raw_table():
    X, y = _table(categories=True)
    model = make_model("logistic_regression", X, seed=0).fit(X, y)
    assert not shuffles_commute(model[:-1], X)
    numeric, labels = _table()
    fitted = make_model("logistic_regression", numeric, seed=0).fit(numeric, labels)
    assert shuffles_commute(fitted[:-1], numeric)
    assert not shuffles_commute(fitted[:-1], numeric[list(reversed(numeric.columns))])


def _sklearn_drops(model, X, y, scorer, repeats, seed):
    return permutation_importance(model, X, y, scoring=scorer, n_repeats=repeats, random_state=seed,
                                  n_jobs=1).importances


def test_stacked_repeats_give_exactly_sklearns_importances_for_every_family():
    from {{ cookiecutter.module_name }}_engine.interpretation.permute import permutation_importances

    X, y = _table()
    X = X.fillna(0.0)
    scorer = lambda m, a, b: score_model(m, a, b)  # noqa: E731
    for family in ("random_forest", "logistic_regression", "k_nearest_neighbours", "naive_bayes", "svm"):
        model = make_model(family, X, {"n_estimators": 20} if family == "random_forest" else None, seed=0).fit(X, y)
        features, network = model[:-1].transform(X), model[-1]
        ours = permutation_importances(network, features, y, scorer, 4, seed=11)
        assert np.array_equal(ours, _sklearn_drops(network, features, y, scorer, 4, 11)), family
    from {{ cookiecutter.module_name }}_engine.models.networks import make_network

    model = make_network(X, {"epochs": 5, "hidden": [8]}, seed=0).fit(X, y)
    features, network = model[:-1].transform(X), model[-1]
    ours = permutation_importances(network, features, y, scorer, 3, seed=4)
    assert np.array_equal(ours, _sklearn_drops(network, features, y, scorer, 3, 4))


def test_stacked_repeats_match_sklearn_for_a_numeric_target_and_split_large_stacks(monkeypatch):
    from sklearn.ensemble import RandomForestRegressor

    from {{ cookiecutter.module_name }}_engine.interpretation import permute
    from {{ cookiecutter.module_name }}_engine.tasks.regression.interpret import r2_scorer

    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 5))
    y = X[:, 0] * 2 + X[:, 1] + rng.normal(scale=0.1, size=200)
    model = RandomForestRegressor(n_estimators=15, random_state=0).fit(X, y)
    expected = _sklearn_drops(model, X, y, r2_scorer, 5, 2)
    assert np.array_equal(permute.permutation_importances(model, X, y, r2_scorer, 5, 2), expected)
    calls = []
    real = model.predict
    monkeypatch.setattr(model, "predict", lambda A: calls.append(len(A)) or real(A))
    monkeypatch.setattr(permute.ForestPaths, "of", classmethod(lambda cls, m, X: None))  # every stack predicted whole
    monkeypatch.setattr(permute, "MAX_STACKED_VALUES", 2 * X.size)  # two repeats per stacked call at most
    assert np.array_equal(permute.permutation_importances(model, X, y, r2_scorer, 5, 2), expected)
    assert calls[0] == len(X) and set(calls[1:]) == {2 * len(X), len(X)}  # the baseline, then stacks of 2, 2, 1
