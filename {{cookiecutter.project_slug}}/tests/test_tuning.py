import numpy as np
import optuna
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from {{ cookiecutter.module_name }}.baselines import CLASSICAL
from {{ cookiecutter.module_name }}.errors import LabError
from {{ cookiecutter.module_name }}.tuning import (
    SEARCH_SPACES,
    best_family,
    build_model,
    tune_all,
    tune_family,
    tuning_table,
)


def _splits(n=160, seed=0):
    X, y = make_classification(n_samples=n, n_features=5, n_informative=3, flip_y=0.1, random_state=seed)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    labels = np.array(["control", "case"], dtype=object)[y]
    return frame.iloc[:100], labels[:100], frame.iloc[100:], labels[100:]


def test_search_spaces_cover_the_classical_families_and_the_network():
    assert set(SEARCH_SPACES) == set(CLASSICAL) | {"network"}
    with pytest.raises(TypeError):
        SEARCH_SPACES["extra"] = None


def test_every_search_space_builds_a_model_that_fits():
    X_train, y_train, X_tune, _ = _splits()
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for family, space in SEARCH_SPACES.items():
        params = space(study.ask())
        if family == "network":
            params["epochs"] = 2
            assert all(width == params["hidden"][0] for width in params["hidden"])
        model = build_model(family, X_train, params, seed=0).fit(X_train, y_train)
        assert model.predict_proba(X_tune).shape == (len(X_tune), 2), family


def test_tune_family_reports_every_trial_and_the_best_one():
    X_train, y_train, X_tune, y_tune = _splits()
    result = tune_family("logistic_regression", X_train, y_train, X_tune, y_tune, n_trials=4, seed=1)
    assert result["family"] == "logistic_regression" and result["n_trials"] == 4
    scores = [t["score"] for t in result["trials"]]
    assert result["best_score"] == max(scores)
    best = result["trials"][scores.index(max(scores))]
    assert result["best_params"] == best["params"]
    assert [t["number"] for t in result["trials"]] == [0, 1, 2, 3]


def test_tuning_is_repeatable_with_the_same_seed():
    X_train, y_train, X_tune, y_tune = _splits()

    def run(seed):
        return tune_family("svm", X_train, y_train, X_tune, y_tune, n_trials=3, seed=seed)

    assert run(7) == run(7)
    assert run(7)["trials"] != run(8)["trials"]


def test_tune_all_gives_every_family_the_same_budget_and_fixed_params_only_where_named():
    X_train, y_train, X_tune, y_tune = _splits()
    families = ["naive_bayes", "network"]
    results = tune_all(
        families, X_train, y_train, X_tune, y_tune, n_trials=2, seed=0, fixed={"network": {"epochs": 2}}
    )
    assert list(results) == families
    assert {r["n_trials"] for r in results.values()} == {2}
    assert all(t["params"]["epochs"] == 2 for t in results["network"]["trials"])
    assert all("epochs" not in t["params"] for t in results["naive_bayes"]["trials"])
    table = tuning_table(results)
    assert list(table["n_trials"]) == [2, 2]
    assert table["best_score"].is_monotonic_decreasing


def test_best_family_takes_the_top_score_and_breaks_ties_towards_simpler_models():
    results = {
        "network": {"best_score": 0.97},
        "svm": {"best_score": 0.97},
        "naive_bayes": {"best_score": 0.91},
    }
    assert best_family(results) == "svm"
    results["network"]["best_score"] = 0.98
    assert best_family(results) == "network"
    with pytest.raises(LabError, match="no tuning results"):
        best_family({})


def test_tuning_can_store_studies_in_a_database(tmp_path):
    X_train, y_train, X_tune, y_tune = _splits()
    storage = f"sqlite:///{tmp_path / 'optuna.db'}"
    tune_family("naive_bayes", X_train, y_train, X_tune, y_tune, 2, 0, storage=storage, study_name="nb")
    assert len(optuna.load_study(study_name="nb", storage=storage).trials) == 2


def test_optuna_logging_level_is_restored():
    X_train, y_train, X_tune, y_tune = _splits()
    optuna.logging.set_verbosity(optuna.logging.INFO)
    tune_family("naive_bayes", X_train, y_train, X_tune, y_tune, 1, 0)
    assert optuna.logging.get_verbosity() == optuna.logging.INFO


def test_bad_tuning_requests_are_lab_errors():
    X_train, y_train, X_tune, y_tune = _splits()
    with pytest.raises(LabError, match="no search space"):
        tune_family("prior", X_train, y_train, X_tune, y_tune, 2, 0)
    with pytest.raises(LabError, match="at least 1 trial"):
        tune_family("svm", X_train, y_train, X_tune, y_tune, 0, 0)
    with pytest.raises(LabError, match="unknown families"):
        tune_all(["svm"], X_train, y_train, X_tune, y_tune, 1, 0, fixed={"netwrok": {"epochs": 2}})
