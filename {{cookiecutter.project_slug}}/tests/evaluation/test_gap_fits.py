"""Notebook 05 pays no fit twice: the gap fits of non-finalists are their tuning trials' fits, and the
learning curve's last point below its cap is the finalist's gap fit; each reuse equals the refit it replaces."""

import numpy as np
import optuna
import pandas as pd
from sklearn.datasets import make_classification

from {{ cookiecutter.module_name }}_engine.evaluation.gap_fits import gap_fit, gap_fit_rows, gap_fits_sentence
from {{ cookiecutter.module_name }}_engine.evaluation.scale import capped_learning_curve, learning_curve_refits, take
from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import learning_curve, train_tune_gap
from {{ cookiecutter.module_name }}_engine.tasks.classification.models import make_model
from {{ cookiecutter.module_name }}_engine.tuning.search import make_objective


def _table(n=600, seed=0):
    X, y = make_classification(n_samples=n, n_features=6, n_informative=3, flip_y=0.1, random_state=seed)
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(6)]), np.array(["control", "case"], dtype=object)[y]


def test_a_finalist_is_fitted_on_every_row_and_any_other_family_on_its_tuning_trials_rows():
    X, y = _table()
    X_all, y_all, record = gap_fit_rows(X, y, finalist=True, seed=3, limit=200)
    assert X_all is X and y_all is y and record["rows"] == record["of"] == 600 and not record["subsampled"]
    X_trial, y_trial, record = gap_fit_rows(X, y, finalist=False, seed=3, limit=200)
    X_searched, y_searched, searched = take(X, y, 200, 3, "every tuning trial's training rows")  # notebook 04
    assert X_trial.equals(X_searched) and np.array_equal(y_trial, y_searched)
    assert {k: record[k] for k in ("rows", "of", "seed")} == {"rows": 200, "of": 600, "seed": 3}
    assert gap_fit_rows(X, y, finalist=False, seed=3, limit=1000)[0] is X  # below the cap: every row, as before


def test_the_gap_fit_of_a_non_finalist_scores_exactly_what_its_tuning_trial_scored():
    X, y = _table(seed=1)
    X_tune, y_tune = _table(200, seed=2)
    params = {"n_estimators": 50, "max_depth": 4, "min_samples_leaf": 2, "max_features": "sqrt"}
    X_trial, y_trial, _ = take(X, y, 250, 0, "every tuning trial's training rows")
    objective = make_objective("random_forest", X_trial, y_trial, X_tune, y_tune, seed=0)
    searched = objective(optuna.trial.FixedTrial(params))
    model, X_scored, y_scored, records = gap_fit(lambda: make_model("random_forest", X, params, seed=0), X, y,
                                                 finalist=False, seed=0, limit=250, scoring_rows=100)
    gap = train_tune_gap(model, X_scored, y_scored, X_tune, y_tune, threshold=0.1)
    assert gap["tune"] == searched
    assert records["fitted_on"]["rows"] == 250 and records["training_scores"]["rows"] == 100
    assert records["training_scores"]["of"] == 250  # training scores read rows the model was fitted on
    assert "random_forest — fit on its tuning trials' rows" in gap_fits_sentence({"random_forest": records})


def test_below_its_cap_the_learning_curve_ends_at_the_gap_fit_and_that_equals_the_refit_it_replaces():
    X, y = _table(300, seed=4)
    X_tune, y_tune = _table(100, seed=5)
    built = []

    def build():
        built.append(1)
        return make_model("logistic_regression", X, seed=0)

    fitted = train_tune_gap(build().fit(X, y), X, y, X_tune, y_tune, threshold=0.1)
    built.clear()
    reused, record = capped_learning_curve(build, fitted, X, y, X_tune, y_tune, seed=0, limit=400, whole=True)
    assert len(built) == 3 == record["refits"] == learning_curve_refits(300, whole=True, limit=400)
    assert record["last_point"].startswith("the train-tune gap's fit")
    assert reused == learning_curve(build, X, y, X_tune, y_tune, seed=0)  # byte for byte the four-refit curve
    built.clear()
    refitted, record = capped_learning_curve(build, fitted, X, y, X_tune, y_tune, seed=0, limit=400)
    assert len(built) == 4 == record["refits"] == learning_curve_refits(300, limit=400)
    assert record["last_point"] == "a refit" and refitted == reused
