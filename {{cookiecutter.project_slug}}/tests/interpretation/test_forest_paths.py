import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier, RandomForestRegressor
from sklearn.inspection import permutation_importance

from {{ cookiecutter.module_name }}_engine.interpretation import forest_paths, permute
from {{ cookiecutter.module_name }}_engine.interpretation.forest_paths import ForestPaths
from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import score_model


def _shuffled_blocks(X, column, repeats, seed):
    rng, blocks = np.random.default_rng(seed), []
    for _ in range(repeats):
        block = X.copy()
        block[:, column] = rng.permutation(block[:, column])
        blocks.append(block)
    return blocks


def _counting(predict, walked):
    def counted(rows, check_input=True):
        walked.append(len(rows))
        return predict(rows, check_input=check_input)

    return counted


@pytest.mark.parametrize("kind", ["binary", "three classes", "numeric"])
def test_forest_answers_on_shuffled_columns_are_the_forests_own_bit_for_bit(kind, monkeypatch):
    if kind == "numeric":
        X, y = make_regression(300, 8, n_informative=4, random_state=0)
        forest = RandomForestRegressor(n_estimators=12, max_depth=6, random_state=0).fit(X, y)
        method = "predict"
    else:
        X, y = make_classification(300, 8, n_informative=4, n_classes=2 if kind == "binary" else 3,
                                   n_clusters_per_class=1, random_state=0)
        forest = RandomForestClassifier(n_estimators=12, max_depth=6, random_state=0).fit(X, y)
        method = "predict_proba"
    paths = ForestPaths.of(forest, X)
    walked = []
    for tree in forest.estimators_:  # count the rows each tree walks again
        monkeypatch.setattr(tree, method, _counting(getattr(tree, method), walked))
    rewalked_per_column = []
    for column in range(X.shape[1]):
        blocks = _shuffled_blocks(X, column, 3, column)
        walked.clear()
        ours = paths.predict(method, column, blocks)
        rewalked = sum(walked)
        expected = getattr(forest, method)(np.concatenate(blocks))
        assert np.array_equal(ours, expected), column
        assert 0 < rewalked <= len(forest.estimators_) * 3 * len(X)
        rewalked_per_column.append(rewalked)
    assert sum(rewalked_per_column) < 0.8 * X.shape[1] * len(forest.estimators_) * 3 * len(X)  # rows reading it only


def test_permutation_importance_of_a_forest_uses_the_paths_and_gives_sklearns_numbers(monkeypatch):
    X, y = make_classification(400, 6, n_informative=3, random_state=2)
    forest = RandomForestClassifier(n_estimators=15, random_state=0).fit(X, y)
    scorer = lambda m, a, b: score_model(m, a, b)  # noqa: E731
    expected = permutation_importance(forest, X, y, scoring=scorer, n_repeats=4, random_state=5, n_jobs=1).importances
    whole = []
    real = forest.predict_proba
    monkeypatch.setattr(forest, "predict_proba", lambda A: whole.append(len(A)) or real(A))
    assert np.array_equal(permute.permutation_importances(forest, X, y, scorer, 4, 5), expected)
    assert whole == [len(X)]  # the unshuffled score only: every shuffled repeat came from the paths


def test_other_models_and_forests_too_large_for_the_read_flags_are_predicted_whole(monkeypatch):
    X, y = make_classification(200, 5, random_state=0)
    assert ForestPaths.of(ExtraTreesClassifier(n_estimators=5, random_state=0).fit(X, y), X) is None
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    assert ForestPaths.of(forest, X) is not None
    monkeypatch.setattr(forest_paths, "MAX_READ_FLAGS", 5 * X.size - 1)
    assert ForestPaths.of(forest, X) is None
