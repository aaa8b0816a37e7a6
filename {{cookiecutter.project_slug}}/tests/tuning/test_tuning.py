import numpy as np
import optuna
import pandas as pd
import pytest
from conftest import edit_yaml
from sklearn.datasets import make_classification

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.models import nets
from {{ cookiecutter.module_name }}_engine.settings.config import TUNABLE_FAMILIES, load_config
from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import score_model
from {{ cookiecutter.module_name }}_engine.tasks.classification.models import CLASSICAL
from {{ cookiecutter.module_name }}_engine.tasks.registry import TASKS
from {{ cookiecutter.module_name }}_engine.tasks.regression.metrics import metric_value
from {{ cookiecutter.module_name }}_engine.tuning.results import best_family, score_spread, timings_record, tuning_table
from {{ cookiecutter.module_name }}_engine.tuning.search import (
    default_workers,
    fixed_params,
    tune_all,
    tune_families,
    tune_family,
    tune_shared,
)
from {{ cookiecutter.module_name }}_engine.tuning.spaces import (
    SEARCH_SPACES,
    TUNABLE,
    build_model,
    check_fixed,
    hyperparameter_names,
    space_hash,
    suggest_params,
)
from {{ cookiecutter.module_name }}_engine.tuning.studies import REPORT_EVERY, local_storage_url, mask_url, open_storage, open_study


def _splits(n=160, seed=0):
    X, y = make_classification(n_samples=n, n_features=5, n_informative=3, flip_y=0.1, random_state=seed)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    labels = np.array(["control", "case"], dtype=object)[y]
    return frame.iloc[:100], labels[:100], frame.iloc[100:], labels[100:]


def test_search_spaces_cover_the_classical_families_and_the_network():
    assert set(SEARCH_SPACES) == set(CLASSICAL) | {"ridge", "network"}  # ridge: regression only
    with pytest.raises(TypeError):
        SEARCH_SPACES["extra"] = None


def test_every_search_space_builds_a_model_that_fits():
    X_train, y_train, X_tune, _ = _splits()
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for family in SEARCH_SPACES:
        params = suggest_params(family, study.ask())
        if family == "network":
            params["epochs"] = 2
            assert all(width == params["hidden"][0] for width in params["hidden"])
        if family == "ridge":  # a regression family: fitted on a numeric target
            model = TASKS["regression"].build_model(family, X_train, params).fit(X_train, np.arange(len(X_train),
                                                                                                   dtype=float))
            assert model.predict(X_tune).shape == (len(X_tune),)
            continue
        model = build_model(family, X_train, params, seed=0).fit(X_train, y_train)
        assert model.predict_proba(X_tune).shape == (len(X_tune), 2), family


def test_a_numeric_target_is_tuned_by_the_chosen_metric():
    X_train, _, X_tune, _ = _splits()
    y_train = X_train.iloc[:, 0].to_numpy() * 3.0 + np.linspace(0, 0.1, len(X_train))
    y_tune = X_tune.iloc[:, 0].to_numpy() * 3.0
    r2 = tune_family("ridge", X_train, y_train, X_tune, y_tune, n_trials=3, seed=0)
    rmse = tune_family("ridge", X_train, y_train, X_tune, y_tune, n_trials=3, seed=0, metric="rmse")
    assert 0.9 < r2["best_score"] <= 1.0
    assert rmse["best_score"] < 0  # RMSE is maximised negated
    model = TASKS["regression"].build_model("ridge", X_train, rmse["best_params"]).fit(X_train, y_train)
    assert rmse["best_score"] == pytest.approx(-metric_value(y_tune, model.predict(X_tune), "rmse"), abs=1e-6)


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
    with pytest.raises(LabError, match="unknown model family 'netwrok'"):
        tune_all(["svm"], X_train, y_train, X_tune, y_tune, 1, 0, fixed={"netwrok": {"epochs": 2}})


def test_config_families_match_the_search_spaces():
    assert tuple(TUNABLE_FAMILIES) == TUNABLE


def test_fixed_hyperparameters_are_held_constant_and_left_out_of_the_search():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    trial = study.ask()
    params = suggest_params("svm", trial, {"C": 3.0, "method": "isotonic"})
    assert params["C"] == 3.0 and params["method"] == "isotonic"
    assert set(trial.params) == {"gamma"}
    trial = study.ask()
    params = suggest_params("network", trial, {"hidden": [4, 4]})
    assert params["hidden"] == [4, 4] and "n_layers" not in trial.params
    assert space_hash("svm") != space_hash("svm", {"C": 3.0}) == space_hash("svm", {"C": 3.0})


def test_unknown_families_and_hyperparameters_are_refused_with_the_valid_names():
    assert "C" in hyperparameter_names("svm") and "patience" in hyperparameter_names("network")
    with pytest.raises(LabError, match="unknown model family 'xgboost'.*logistic_regression"):
        check_fixed({"xgboost": {}})
    with pytest.raises(LabError, match="'kernal'.*gamma"):
        check_fixed({"svm": {"kernal": "rbf"}})


def test_lab_yaml_tuning_section_is_validated_field_by_field(project):
    config = project / "lab.yaml"
    cfg = load_config(config)
    assert cfg.tuning.families == [f for f in TUNABLE if f != "ridge"] and cfg.tuning.workers == "auto"
    assert fixed_params(cfg)["network"]["epochs"] == cfg.budget.epochs
    cases = {
        "tuning.families": (["svm", "deep_forest"], "tuning.families.1.*naive_bayes.*deep_forest"),
        "tuning.fixed": ({"svm": {"kernal": 1}}, "lab.yaml.*tuning.fixed.*svm has no hyperparameter 'kernal'.*gamma"),
        "tuning.workers": (0, "tuning.workers.*auto or a whole number"),
        "profiles.quick.n_trials": (0, "profiles.quick.n_trials.*greater than 0"),
    }
    for field, (value, message) in cases.items():
        with pytest.raises(LabError, match=message):
            load_config(config, {field: value})
    edit_yaml(config, **{"tuning.fixed": {"network": {"batch_size": 16}}, "tuning.families": ["network"]})
    cfg = load_config(config)
    assert fixed_params(cfg) == {"network": {"batch_size": 16, "epochs": cfg.budget.epochs}}


def test_budgets_of_zero_or_below_are_refused():
    X_train, y_train, X_tune, y_tune = _splits()
    for bad in (0, -2, 1.5, True):
        with pytest.raises(LabError, match="at least 1 trial"):
            tune_all(["svm"], X_train, y_train, X_tune, y_tune, bad, 0)


def test_network_trials_report_to_the_pruner_and_record_the_best_epoch(tmp_path):
    X_train, y_train, X_tune, y_tune = _splits()
    storage = local_storage_url(tmp_path)
    result = tune_family("network", X_train, y_train, X_tune, y_tune, 4, 0, storage=storage,
                         fixed={"epochs": 3 * REPORT_EVERY})
    study = optuna.load_study(study_name="04_tuning-network", storage=storage)
    reported = [t for t in study.trials if t.intermediate_values]
    assert reported and all(step % REPORT_EVERY == 0 for t in reported for step in t.intermediate_values)
    assert isinstance(study.pruner, optuna.pruners.MedianPruner)
    assert result["n_trials"] == result["n_complete"] + result["n_pruned"] == 4
    for trial in result["trials"]:
        assert 1 <= trial["params"]["epochs"] <= trial["stopped_epoch"] <= trial["max_epochs"] == 15
        assert "early_stopping" not in trial["params"]
    best = result["best_params"]
    refit = build_model("network", X_train, best, seed=0).fit(X_train, y_train)
    assert score_model(refit, X_tune, y_tune) == result["best_score"]


def test_network_trials_below_the_median_are_pruned(monkeypatch):
    X_train, y_train, X_tune, y_tune = _splits()
    started = []

    def fake_evaluate(self, watch, loss_fn):  # the first two trials score 0.9 at every epoch, later ones 0.1
        epoch = self.history_[-1]["epoch"]
        if epoch == 1:
            started.append(epoch)
        return {"val_loss": 1.0 / epoch, "val_score": 0.9 if len(started) <= 2 else 0.1}

    monkeypatch.setattr(nets.TorchMLPClassifier, "_evaluate", fake_evaluate)
    result = tune_family("network", X_train, y_train, X_tune, y_tune, 4, 0,
                         fixed={"epochs": 4 * REPORT_EVERY, "hidden": [4]})
    assert result["n_pruned"] == 2 and result["n_complete"] == 2 and result["n_trials"] == 4
    assert [t["number"] for t in result["pruned"]] == [2, 3]
    assert all(t["stopped_epoch"] == 2 * REPORT_EVERY and t["score"] == 0.1 for t in result["pruned"])


def test_a_shared_study_without_pruning_runs_every_trial_to_its_last_epoch(tmp_path, monkeypatch):
    X_train, y_train, X_tune, y_tune = _splits()
    started = []

    def fake_evaluate(self, watch, loss_fn):  # as above: later trials are worse at every epoch
        if self.history_[-1]["epoch"] == 1:
            started.append(1)
        return {"val_loss": 1.0, "val_score": 0.9 if len(started) <= 2 else 0.1}

    monkeypatch.setattr(nets.TorchMLPClassifier, "_evaluate", fake_evaluate)
    storage = local_storage_url(tmp_path)
    fixed = {"epochs": 4 * REPORT_EVERY, "hidden": [4], "patience": 1000}
    result = tune_shared(storage, "s", "network", 4, X_train, y_train, X_tune, y_tune, 0, fixed, prune=False)
    study = optuna.load_study(study_name="s", storage=storage)
    assert result["worker_trials"] == [0, 1, 2, 3]
    assert [t.state for t in study.trials] == [optuna.trial.TrialState.COMPLETE] * 4
    assert [t.user_attrs["stopped_epoch"] for t in study.trials] == [4 * REPORT_EVERY] * 4


def test_an_interrupted_search_resumes_and_ends_as_an_uninterrupted_one(tmp_path, monkeypatch):
    X_train, y_train, X_tune, y_tune = _splits()
    whole = tune_family("svm", X_train, y_train, X_tune, y_tune, 5, 3, storage=local_storage_url(tmp_path / "a"))
    storage = local_storage_url(tmp_path / "b")
    calls = {"n": 0}
    real_fit = build_model("svm", X_train).fit.__func__

    def fit_then_interrupt(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # the search is killed in the middle of its third trial
            raise KeyboardInterrupt
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(type(build_model("svm", X_train)), "fit", fit_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        tune_family("svm", X_train, y_train, X_tune, y_tune, 5, 3, storage=storage)
    monkeypatch.undo()
    study = optuna.load_study(study_name="04_tuning-svm", storage=storage)
    assert len([t for t in study.trials if t.state.is_finished() and t.value is not None]) == 2
    resumed = tune_family("svm", X_train, y_train, X_tune, y_tune, 5, 3, storage=storage)
    assert resumed["n_trials"] == 5
    assert [t["params"] for t in resumed["trials"]] == [t["params"] for t in whole["trials"]]
    assert resumed["best_score"] == whole["best_score"]
    again = tune_family("svm", X_train, y_train, X_tune, y_tune, 5, 3, storage=storage)
    assert again == resumed  # nothing left to run: the stored trials are the result


def test_families_in_parallel_processes_give_the_same_results_as_in_one(tmp_path):
    X_train, y_train, X_tune, y_tune = _splits()
    families = ["naive_bayes", "logistic_regression", "network"]
    fixed = {"network": {"epochs": 6, "hidden": [8]}}
    one = tune_families(families, X_train, y_train, X_tune, y_tune, 3, 0, fixed=fixed, workers=1)
    two = tune_families(families, X_train, y_train, X_tune, y_tune, 3, 0, fixed=fixed, workers=2,
                        storage=local_storage_url(tmp_path))
    assert two.workers == 2 and one.workers == 1
    assert list(two.results) == families and two.results == one.results
    record = timings_record(two)
    assert set(record["seconds_per_family"]) == set(families) and record["workers"] == 2


def test_a_study_made_for_another_search_space_or_family_is_refused(tmp_path):
    storage = open_storage(local_storage_url(tmp_path))
    open_study(storage, "shared", "svm", data_key="abc")
    open_study(storage, "shared", "svm", data_key="abc")  # same settings: loads the study
    with pytest.raises(LabError, match="study 'shared' already exists with another search space"):
        open_study(storage, "shared", "svm", fixed={"C": 1.0}, data_key="abc")
    with pytest.raises(LabError, match="another model family"):
        open_study(storage, "shared", "naive_bayes", data_key="abc")
    with pytest.raises(LabError, match="training/tune data"):
        open_study(storage, "shared", "svm", data_key="xyz")


def test_bad_storage_urls_are_one_sentence_with_the_password_masked():
    assert mask_url("postgresql://ana:s3cret@db:5432/lab") == "postgresql://ana:***@db:5432/lab"
    with pytest.raises(LabError, match="not a database URL") as bad:
        open_storage("tuning.db")
    assert "\n" not in str(bad.value)
    with pytest.raises(LabError) as unreachable:
        open_storage("postgresql://ana:s3cret@127.0.0.1:9/lab")
    message = str(unreachable.value)
    assert "postgresql://ana:***@127.0.0.1:9/lab" in message and "s3cret" not in message
    assert "server is running" in message and "\n" not in message
    with pytest.raises(LabError, match="cannot open the tuning storage nosuchdriver://x"):
        open_storage("nosuchdriver://x")


def test_score_spread_describes_all_trials_and_the_top_ones():
    spread = score_spread([0.9, 0.8, 0.7, 0.6])
    assert spread["top_k"] == 3 and spread["top_k_mean"] == pytest.approx(0.8)
    assert spread["median"] == pytest.approx(0.75) and spread["q1"] < spread["q3"]
    assert score_spread([0.5])["std"] == 0.0


def test_auto_workers_use_every_core_unless_the_search_is_small(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert default_workers("auto", n_trials=40) == 4 and default_workers(None) == 4
    assert default_workers("auto", n_trials=6) == 1
    assert default_workers(3, n_trials=6) == 3
