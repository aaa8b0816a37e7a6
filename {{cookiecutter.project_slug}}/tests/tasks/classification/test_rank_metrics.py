import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    f1_score,
    matthews_corrcoef,
    roc_auc_score,
)

from {{ cookiecutter.module_name }}_engine.interpretation import importance
from {{ cookiecutter.module_name }}_engine.tasks.classification import evaluation as evaluate
from {{ cookiecutter.module_name }}_engine.tasks.classification.rank_metrics import BinaryPanel


def _predictions(seed, n, ties, classes):
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < rng.uniform(0.05, 0.6), classes[1], classes[0])
    y[:2] = classes  # both classes present
    p = np.clip(rng.random(n) * 0.7 + 0.3 * (y == classes[1]), 0, 1)
    if ties:
        p = np.round(p, 1)  # many rows share a score, and some predictions sit exactly at 0.5
    return y, np.c_[1 - p, p]


@pytest.mark.parametrize("seed,ties,classes", [(0, False, ["control", "case"]), (1, True, ["case", "control"]),
                                               (2, True, ["negative", "positive"]), (3, False, ["b", "a"])])
def test_resampled_panels_from_counts_are_sklearns_numbers_bit_for_bit(seed, ties, classes):
    y, proba = _predictions(seed, 700 + 300 * seed, ties, classes)
    codes, coded = evaluate._coded(y, classes)
    resamples = evaluate.stratified_resamples(y, 25, seed)
    expected = [evaluate.metric_panel(codes[rows], proba[rows], coded) for rows in resamples]
    fast = evaluate._resampled_panels(y, proba, classes, resamples)
    assert [{k: e[k] for k in f} for e, f in zip(expected, fast, strict=True)] == fast
    assert set(fast[0]) == set(evaluate.PANEL)
    other = proba[::-1]
    differences = [evaluate.primary_score(codes[r], proba[r], coded) - evaluate.primary_score(codes[r], other[r], coded)
                   for r in resamples]
    assert evaluate._resampled_differences(y, proba, other, classes, resamples) == differences
    # unrounded, against scikit-learn's own functions on the resampled rows
    positive, predicted = y == classes[1], np.argmax(proba, axis=1) == 1
    panel = BinaryPanel(positive, proba[:, 1], predicted)
    for rows in resamples[:5]:
        got, truth, guess, score = panel.panel(rows), positive[rows], predicted[rows], proba[rows, 1]
        assert got == {"roc_auc": roc_auc_score(truth, score), "pr_auc": average_precision_score(truth, score),
                       "mcc": matthews_corrcoef(truth, guess),
                       "balanced_accuracy": balanced_accuracy_score(truth, guess),
                       "f1_macro": f1_score(truth, guess, average="macro", zero_division=0),
                       "brier": brier_score_loss(truth, score)}


def test_bootstrap_intervals_are_unchanged_and_the_multiclass_panels_still_use_metric_panel(monkeypatch):
    y, proba = _predictions(5, 900, True, ["control", "case"])
    fast = (evaluate.bootstrap_panel(y, proba, ["control", "case"], 30, 7),
            evaluate.paired_bootstrap(y, proba, proba[::-1], ["control", "case"], 30, 7))
    calls = []

    def metric_panel_per_resample(y_true, p, classes, resamples):
        calls.append(len(classes))
        codes, coded = evaluate._coded(y_true, classes)
        return [evaluate.metric_panel(codes[rows], p[rows], coded) for rows in resamples]

    def differences_per_resample(y_true, a, b, classes, resamples):
        codes, coded = evaluate._coded(y_true, classes)
        return [evaluate.primary_score(codes[r], a[r], coded) - evaluate.primary_score(codes[r], b[r], coded)
                for r in resamples]

    monkeypatch.setattr(evaluate, "_resampled_panels", metric_panel_per_resample)
    monkeypatch.setattr(evaluate, "_resampled_differences", differences_per_resample)
    assert fast == (evaluate.bootstrap_panel(y, proba, ["control", "case"], 30, 7),
                    evaluate.paired_bootstrap(y, proba, proba[::-1], ["control", "case"], 30, 7))
    assert calls == [2]
    monkeypatch.undo()
    three = np.array(["a", "b", "c"] * 40)
    probabilities = np.random.default_rng(0).dirichlet(np.ones(3), len(three))
    used = []
    monkeypatch.setattr(evaluate, "BinaryPanel", lambda *a: used.append(a))
    evaluate.bootstrap_panel(three, probabilities, ["a", "b", "c"], 5, 0)
    assert used == []  # more than two classes: metric_panel on every resample


def test_permutation_importance_scored_from_counts_equals_score_model_exactly(monkeypatch):
    from {{ cookiecutter.module_name }}_engine.tasks.classification.models import make_model

    X, y = make_classification(400, 6, n_informative=3, random_state=1)
    X = pd.DataFrame(np.round(X, 1), columns=[f"f{i}" for i in range(6)])
    y = np.where(y == 1, "case", "control")
    model = make_model("random_forest", X, {"n_estimators": 15}, seed=0).fit(X, y)
    checked, primary = [], importance.primary_scorer
    monkeypatch.setattr(importance, "primary_scorer", lambda *a: checked.append(1) or primary(*a))
    counted = importance.permutation_importance_table(model, X, y, 4, seed=3)
    assert checked == [1]  # the labels checked on the first call; 24 shuffled repeats scored from counts
    monkeypatch.undo()
    scored = []
    monkeypatch.setattr(importance, "binary_auc_scorer", lambda y, classes, fallback, _: scored.append(1) or fallback)
    expected = importance.permutation_importance_table(model, X, y, 4, seed=3)
    assert scored == [1]
    pd.testing.assert_frame_equal(counted, expected, check_exact=True)
