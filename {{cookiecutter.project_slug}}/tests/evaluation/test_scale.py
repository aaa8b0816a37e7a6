import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.module_name }}_engine.data.explore import near_duplicate_pairs
from {{ cookiecutter.module_name }}_engine.evaluation.scale import (
    EXACT_NEIGHBOURS_UP_TO,
    KERNEL_SVM_UP_TO,
    Progress,
    capped_learning_curve,
    describe,
    neighbour_method,
    subsample,
    take,
)
from {{ cookiecutter.module_name }}_engine.models import net_checks
from {{ cookiecutter.module_name }}_engine.models import networks as architectures
from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import learning_curve
from {{ cookiecutter.module_name }}_engine.tasks.classification.models import make_estimator, parameter_names
from {{ cookiecutter.module_name }}_engine.tasks.registry import task_named


def _labels(n, share=0.2, seed=0):
    return np.where(np.random.default_rng(seed).random(n) < share, "rare", "common")


def test_a_subsample_engages_above_its_size_and_records_size_seed_and_strata():
    y = _labels(1000)
    rows, record = subsample(y, 200, seed=3, purpose="training scores")
    assert record == {"purpose": "training scores", "rows": 200, "of": 1000, "subsampled": True, "seed": 3,
                      "stratified": True}
    assert len(rows) == 200 and list(rows) == sorted(set(rows))
    assert np.mean(y[rows] == "rare") == pytest.approx(np.mean(y == "rare"), abs=0.01)
    again, _ = subsample(y, 200, seed=3, purpose="training scores")
    other, _ = subsample(y, 200, seed=4, purpose="training scores")
    assert np.array_equal(rows, again) and not np.array_equal(rows, other)
    assert "subsample of 200 of 1000 rows (seed 3)" in describe(record)


def test_a_numeric_target_is_subsampled_within_its_quantile_bins():
    y = np.random.default_rng(0).lognormal(size=5000)
    rows, record = subsample(y, 500, seed=3, purpose="training scores", strata=task_named("regression").stratify_labels)
    assert record["stratified"] and len(rows) == 500
    top_fifth = y > np.quantile(y, 0.8)
    assert np.mean(top_fifth[rows]) == pytest.approx(0.2, abs=0.004)


def test_below_its_size_every_row_is_kept_and_the_same_objects_returned():
    X, y = pd.DataFrame({"a": range(50)}), _labels(50)
    X_kept, y_kept, record = take(X, y, 50, seed=0, purpose="refits")
    assert X_kept is X and y_kept is y
    assert record == {"purpose": "refits", "rows": 50, "of": 50, "subsampled": False}
    assert describe(record) == "refits: all 50 rows"


def test_near_duplicates_planted_in_a_large_table_are_found_by_the_kd_tree_and_by_all_pairs():
    n = EXACT_NEIGHBOURS_UP_TO + 1000
    Z = np.random.default_rng(0).normal(size=(n, 20))
    planted = [(10, 4000), (77, 5500), (300, 301)]
    for i, j in planted:
        Z[j] = Z[i] + 0.004  # within 0.01 SD in every feature
    Z[5999] = Z[10] + np.r_[0.004, np.zeros(18), 0.02]  # one feature too far: not a near duplicate
    assert neighbour_method(n) == "KD-tree" and neighbour_method(EXACT_NEIGHBOURS_UP_TO) == "all pairs"
    scalable = near_duplicate_pairs(Z, 0.01)
    exact = near_duplicate_pairs(Z, 0.01, exact_up_to=n)
    assert scalable == exact == sorted(planted)
    assert near_duplicate_pairs(Z, 0.01, exact_groups=[[300, 301]]) == sorted(planted[:2])


def _svm_data(n):
    X, y = make_classification(n, 10, n_informative=5, random_state=0)
    return X[: n // 2], y[: n // 2], X[n // 2:], y[n // 2:]


def test_the_svm_stays_exact_up_to_its_size_and_is_approximated_above_with_the_same_verdict():
    X_fit, y_fit, X_test, y_test = _svm_data(1600)
    exact = make_estimator("svm", {"C": 10.0}, seed=0).fit(X_fit, y_fit)
    approximate = make_estimator("svm", {"C": 10.0, "exact_up_to": 100}, seed=0).fit(X_fit, y_fit)
    assert exact.calibrated_classifiers_[0].estimator.method_ == "exact RBF SVM"
    assert approximate.calibrated_classifiers_[0].estimator.method_.startswith("Nystroem approximation")
    auc = {name: roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
           for name, model in {"exact": exact, "approximate": approximate}.items()}
    assert auc["approximate"] > 0.9 and auc["approximate"] == pytest.approx(auc["exact"], abs=0.03)
    assert make_estimator("svm").estimator.exact_up_to == KERNEL_SVM_UP_TO
    assert "exact_up_to" in parameter_names("svm")


def test_the_svm_below_its_size_is_the_plain_rbf_svc():
    from sklearn.svm import SVC

    X_fit, y_fit, X_test, _ = _svm_data(300)
    ours = make_estimator("svm", {"C": 3.0}, seed=1).estimator.fit(X_fit, y_fit)
    plain = SVC(kernel="rbf", C=3.0, random_state=1).fit(X_fit, y_fit)
    assert np.array_equal(ours.decision_function(X_test), plain.decision_function(X_test))


def test_a_capped_learning_curve_refits_four_times_on_the_subsample_and_ends_at_the_fitted_model():
    X = pd.DataFrame({"a": np.arange(2000.0)})
    y, tune = _labels(2000), _labels(200, seed=1)
    built = []

    def build():
        built.append(1)
        return DummyClassifier(strategy="stratified", random_state=0)

    fitted = {"train": 0.91, "tune": 0.88}
    rows, record = capped_learning_curve(build, fitted, X, y, X.iloc[:200], tune, seed=0, limit=400)
    assert len(built) == 4 and record["refits"] == 4 and record["rows"] == 400 and record["seed"] == 0
    assert [r["n"] for r in rows] == [100, 200, 300, 400, 2000]
    assert rows[-1] == {"fraction": 1.0, "n": 2000, "train": 0.91, "tune": 0.88}
    small, record = capped_learning_curve(build, fitted, X.iloc[:300], y[:300], X.iloc[:200], tune, seed=0, limit=400)
    assert small == learning_curve(build, X.iloc[:300], y[:300], X.iloc[:200], tune, seed=0)
    assert not record["subsampled"] and record["refits"] == 4


def test_compare_optimizers_follows_the_main_fits_early_stopping_and_reuses_its_network(monkeypatch):
    X, y = make_classification(160, 6, random_state=0)
    X, y = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)]), np.where(y == 1, "yes", "no")
    params = {"hidden": [8], "epochs": 400, "early_stopping": True, "patience": 2, "lr": 0.05}
    network = architectures.make_network(X[:120], params, seed=0)
    main = net_checks.fit_network(network, X[:120], y[:120], (X[120:], y[120:]))
    calls = []
    real = net_checks.fit_network
    monkeypatch.setattr(net_checks, "fit_network", lambda *a, **k: calls.append(1) or real(*a, **k))
    compared = net_checks.compare_optimizers(X[:120], y[:120], X[120:], y[120:], params, seed=0, fitted={"adam": main})
    assert len(calls) == 1  # only sgd is trained; adam is the main network
    assert compared["adam"]["history"] is main[-1].history_
    assert compared["adam"]["stopped_epoch"] < 400 and all(r["early_stopping"] for r in compared.values())


def test_reading_tuning_results_does_not_import_optuna():
    import subprocess
    import sys

    code = ("import sys; from {{ cookiecutter.module_name }}_engine.tuning.spaces import NETWORK; "
            "from {{ cookiecutter.module_name }}_engine.tuning.results import best_family; "
            "print('optuna' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_progress_counts_refits_and_writes_an_eta_line_per_step():
    import io

    log = io.StringIO()
    progress = Progress(3, "refits", log=log)
    build = progress.counting(lambda: "model", "forest")
    assert build() == "model" and progress.done == 0  # under way, not yet done
    build()
    progress.close()
    lines = log.getvalue().splitlines()
    assert progress.done == 2 and len(lines) == 2
    assert lines[-1].startswith("progress · refits: 2/3 done (forest), ") and "s to go" in lines[-1]


def test_the_report_states_the_rows_every_tuning_trial_read():
    from types import SimpleNamespace

    from {{ cookiecutter.module_name }}_engine.reports.summaries import budget_sentence

    results = {family: {"best_score": 0.9, "n_trials": 6} for family in ("svm", "network")}
    _, rows = subsample(_labels(30000), 10000, seed=42, purpose="every tuning trial's training rows")
    facts = SimpleNamespace(tuning={"equal_budgets": True, "training_rows_per_trial": rows},
                            tuning_results=results, best_family="svm")
    assert budget_sentence(facts).endswith("same stratified subsample of 10,000 of the 30,000 training rows "
                                           "(seed 42) and scored on the same tune part.")
    facts.tuning["training_rows_per_trial"] = subsample(_labels(300), 10000, 42, "trials")[1]
    assert budget_sentence(facts).endswith("on the same training and tune parts.")


def test_predict_once_reuses_the_prediction_of_the_same_table_and_keeps_its_numbers():
    from {{ cookiecutter.module_name }}_engine.evaluation.scale import PredictOnce
    from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import aligned_proba, train_tune_gap
    from {{ cookiecutter.module_name }}_engine.tasks.classification.models import make_model

    X, y = make_classification(200, 5, random_state=0)
    X = pd.DataFrame(X, columns=list("abcde"))
    model = make_model("k_nearest_neighbours", X).fit(X, y)
    calls = []
    original = model.predict_proba
    model.predict_proba = lambda rows: calls.append(len(rows)) or original(rows)
    once = PredictOnce(model)
    gap = train_tune_gap(once, X.iloc[:50], y[:50], X.iloc[50:], y[50:], 0.05)
    proba = aligned_proba(once, X.iloc[50:], list(model.classes_))  # another object of the same rows: predicted
    tune = X.iloc[50:]
    assert np.array_equal(once.predict_proba(tune), once.predict_proba(tune)) and calls == [50, 150, 150, 150]
    assert gap == train_tune_gap(model, X.iloc[:50], y[:50], X.iloc[50:], y[50:], 0.05)
    assert np.array_equal(proba, original(X.iloc[50:]))
