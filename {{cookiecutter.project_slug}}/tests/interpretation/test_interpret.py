import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.interpretation.importance import permutation_importance_table
from {{ cookiecutter.module_name }}_engine.interpretation.interpret import importance_agreement
from {{ cookiecutter.module_name }}_engine.interpretation.tables import COLUMNS
from {{ cookiecutter.module_name }}_engine.models.networks import make_network
from {{ cookiecutter.module_name }}_engine.tasks.classification.models import make_model


def _one_signal(n=200, seed=0, classes=("wild_type", "mutant")):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "noise": rng.normal(size=n),
            "signal": rng.normal(size=n),
            "batch": pd.Series(rng.choice(["b1", "b2", "b3"], n), dtype="str"),
        }
    )
    cut = np.quantile(frame["signal"], np.linspace(0, 1, len(classes) + 1)[1:-1])
    return frame, np.array(classes, dtype=object)[np.digitize(frame["signal"], cut)]


def test_the_informative_column_ranks_first_with_an_interval_above_zero():
    frame, y = _one_signal()
    model = make_model("logistic_regression", frame).fit(frame, y)
    table = permutation_importance_table(model, frame, y, n_repeats=5, seed=0)
    assert list(table.columns) == COLUMNS
    assert sorted(table["feature"]) == ["batch", "noise", "signal"]
    assert table.loc[0, "feature"] == "signal" and table.loc[0, "ci_low"] > 0.1
    assert table["importance_mean"].is_monotonic_decreasing
    width = table["ci_high"] - table["ci_low"]
    assert np.allclose(width, 2 * 1.959964 * table["importance_std"] / np.sqrt(5), atol=1e-5)


def test_importance_is_repeatable_with_a_seed():
    frame, y = _one_signal()
    model = make_model("naive_bayes", frame).fit(frame, y)
    first = permutation_importance_table(model, frame, y, n_repeats=3, seed=4)
    pd.testing.assert_frame_equal(first, permutation_importance_table(model, frame, y, n_repeats=3, seed=4))


def test_importance_works_for_a_multiclass_network_pipeline():
    frame, y = _one_signal(classes=("low", "mid", "high"))
    model = make_network(frame, {"hidden": [16], "epochs": 15, "lr": 1e-2}, seed=0).fit(frame, y)
    table = permutation_importance_table(model, frame, y, n_repeats=2, seed=0)
    assert table.loc[0, "feature"] == "signal"
    assert len(table) == 3


def test_agreement_is_rank_correlation():
    a = pd.DataFrame({"feature": ["x", "y", "z"], "importance_mean": [0.3, 0.2, 0.1]})
    b = a.assign(importance_mean=[0.1, 0.2, 0.3])
    assert importance_agreement(a, a) == 1.0
    assert importance_agreement(a, b) == -1.0
    with pytest.raises(LabError, match="two features"):
        importance_agreement(a, b.assign(feature=["p", "q", "x"]))


def test_bad_arguments_are_lab_errors():
    frame, y = _one_signal()
    model = make_model("naive_bayes", frame).fit(frame, y)
    with pytest.raises(LabError, match="DataFrame"):
        permutation_importance_table(model, frame.to_numpy(), y, n_repeats=2, seed=0)
    with pytest.raises(LabError, match="at least 1"):
        permutation_importance_table(model, frame, y, n_repeats=0, seed=0)


# integrated gradients, agreement, stability, surrogate, shortcuts ---------------------------
from {{ cookiecutter.module_name }}_engine.interpretation.importance import integrated_gradients_table  # noqa: E402
from {{ cookiecutter.module_name }}_engine.interpretation.interpret import (  # noqa: E402
    agreement_matrix,
    interpretation_cautions,
    metadata_predictability,
    seed_stability,
    shortcut_check,
    surrogate_tree,
    unsupported_claims,
)


def _network(frame, y, seed=0):
    return make_network(frame, {"hidden": [16], "epochs": 30, "lr": 1e-2}, seed=seed).fit(frame, y)


def test_integrated_gradients_rank_the_signal_first_and_sum_one_hot_columns_back():
    frame, y = _one_signal()
    model = _network(frame, y)
    table, convergence = integrated_gradients_table(model, frame, frame)
    assert list(table.columns) == COLUMNS
    assert sorted(table["feature"]) == ["batch", "noise", "signal"]  # batch's three one-hot codes summed
    assert table.loc[0, "feature"] == "signal"
    assert table.loc[0, "importance_mean"] > 3 * table.loc[1, "importance_mean"]
    assert convergence["n_steps"] == 32 and 0 <= convergence["mean_abs_delta"] <= convergence["max_abs_delta"] < 0.5
    again, _ = integrated_gradients_table(model, frame, frame)
    pd.testing.assert_frame_equal(table, again)


def test_integrated_gradients_work_for_three_classes_and_refuse_other_models():
    frame, y = _one_signal(classes=("low", "mid", "high"))
    table, _ = integrated_gradients_table(_network(frame, y), frame, frame)
    assert table.loc[0, "feature"] == "signal"
    with pytest.raises(LabError, match="network Pipeline"):
        integrated_gradients_table(make_model("naive_bayes", frame).fit(frame, y), frame, frame)


def test_kendall_agreement_matrix_and_unknown_method():
    a = pd.DataFrame({"feature": ["x", "y", "z", "w"], "importance_mean": [0.4, 0.3, 0.2, 0.1]})
    b = a.assign(importance_mean=[0.3, 0.4, 0.2, 0.1])  # one swap
    assert importance_agreement(a, b, "kendall") == pytest.approx(2 / 3, abs=1e-6)
    assert importance_agreement(a, b, "spearman") == pytest.approx(0.8, abs=1e-6)
    matrix = agreement_matrix({"first": a, "second": b}, "spearman")
    assert matrix.loc["first", "second"] == matrix.loc["second", "first"] == pytest.approx(0.8)
    assert matrix.loc["first", "first"] == 1.0
    with pytest.raises(LabError, match="unknown rank correlation 'pearson'"):
        importance_agreement(a, b, "pearson")


def test_seed_stability_summarises_every_pair():
    a = pd.DataFrame({"feature": ["x", "y", "z"], "importance_mean": [0.3, 0.2, 0.1]})
    reversed_ = a.assign(importance_mean=[0.1, 0.2, 0.3])
    summary = seed_stability({1: a, 2: a, 3: reversed_})
    assert summary["seeds"] == [1, 2, 3] and len(summary["pairs"]) == 3
    assert summary["spearman_min"] == -1.0 and summary["kendall_min"] == -1.0
    assert summary["spearman_mean"] == pytest.approx(-1 / 3, abs=1e-6)
    with pytest.raises(LabError, match="at least two seeds"):
        seed_stability({1: a})


def test_surrogate_tree_imitates_the_model_in_raw_units():
    frame, y = _one_signal(n=300)
    model = make_model("logistic_regression", frame).fit(frame, y)
    surrogate = surrogate_tree(model, frame.iloc[:200], frame.iloc[200:], max_depth=2, seed=0)
    summary = surrogate.summary()
    assert summary["depth"] <= 2 and summary["fidelity_tune"] > 0.9
    assert "signal <=" in summary["rules"] and "class: mutant" in summary["rules"]
    assert "batch_b1" in surrogate.feature_names  # categories readable as column_value
    threshold = float(summary["rules"].split("signal <=")[1].split()[0])
    assert abs(threshold - float(np.median(frame["signal"]))) < 0.5  # raw scale, not standardised
    with pytest.raises(LabError, match="surrogate_depth"):
        surrogate_tree(model, frame, frame, max_depth=0, seed=0)


def test_metadata_that_encodes_the_label_is_caught():
    frame, y = _one_signal()
    leaky = pd.DataFrame({"site": np.where(y == "mutant", "north", "south")})
    honest = pd.DataFrame({"site": frame["batch"]})
    assert metadata_predictability(leaky, y, seed=0)["roc_auc_mean"] == 1.0
    assert abs(metadata_predictability(honest, y, seed=0)["roc_auc_mean"] - 0.5) < 0.15
    assert metadata_predictability(honest, np.array(["a"] * len(y)), seed=0) is None


def test_shortcut_check_refits_without_metadata_inputs_or_checks_predictions():
    frame, y = _one_signal()
    train, tune = frame.iloc[:140].reset_index(drop=True), frame.iloc[140:].reset_index(drop=True)
    y_train, y_tune = y[:140], y[140:]
    models = {"logistic_regression": make_model("logistic_regression", train).fit(train, y_train)}
    params = {"logistic_regression": {}}
    as_input = shortcut_check(["batch"], train[["batch"]], tune[["batch"]], models, params,
                              train, y_train, tune, y_tune, seed=0)
    assert as_input["model_inputs"] == ["batch"]
    drop = as_input["score_drop_without_metadata"]["logistic_regression"]
    assert drop["drop"] == pytest.approx(drop["with"] - drop["without"]) and abs(drop["drop"]) < 0.05
    meta_train = pd.DataFrame({"site": np.where(y_train == "mutant", "a", "b")})
    meta_tune = pd.DataFrame({"site": np.where(y_tune == "mutant", "a", "b")})
    outside = shortcut_check(["site"], meta_train, meta_tune, models, params, train, y_train, tune, y_tune, seed=0)
    assert outside["model_inputs"] == [] and "not model inputs" in outside["note"]
    assert outside["label_from_metadata"]["roc_auc_mean"] == 1.0
    assert outside["predictions_from_metadata"]["roc_auc_mean"] > 0.9
    nothing = shortcut_check([], None, None, models, params, train, y_train, tune, y_tune, seed=0)
    assert "no metadata columns" in nothing["note"]


def test_cautions_record_disagreement_instability_and_shortcuts():
    stable = {"permutation": {"spearman_min": 0.9}}
    calm = interpretation_cautions({"a and b": 0.8}, stable, floor=0.5)
    assert len(calm) == 1 and "associations, not evidence" in calm[0]
    shortcut = {"columns": ["site"], "label_from_metadata": {"roc_auc_mean": 0.95}}
    worried = interpretation_cautions(
        {"a and b": 0.2}, {"permutation": {"spearman_min": 0.1}}, 0.5, {"fidelity_tune": 0.7}, shortcut
    )
    text = " ".join(worried)
    assert "a and b disagree (Spearman 0.20" in text and "changes with the network's seed" in text
    assert "only 70%" in text and "metadata columns alone predict the label" in text
    assert any("no metadata columns were declared" in c for c in unsupported_claims({"columns": []}))
    assert not any("metadata" in c for c in unsupported_claims(shortcut))


def test_shortcut_check_refits_with_metadata_that_are_not_inputs_and_shows_what_they_gain():
    frame, y = _one_signal()
    frame = frame[["noise"]]  # the models see noise only; the site column holds the label
    train, tune = frame.iloc[:140].reset_index(drop=True), frame.iloc[140:].reset_index(drop=True)
    y_train, y_tune = y[:140], y[140:]
    models = {"logistic_regression": make_model("logistic_regression", train).fit(train, y_train)}
    meta_train = pd.DataFrame({"site": np.where(y_train == "mutant", "a", "b")})
    meta_tune = pd.DataFrame({"site": np.where(y_tune == "mutant", "a", "b")})
    result = shortcut_check(["site"], meta_train, meta_tune, models, {"logistic_regression": {}},
                            train, y_train, tune, y_tune, seed=0)
    compared = result["score_drop_without_metadata"]["logistic_regression"]
    assert compared["with"] > 0.95 and compared["without"] < 0.7 and compared["drop"] > 0.3
    assert "refitted with them added" in result["note"]


def _penguins(n=300, seed=0):
    """Bill lengths, some missing (those birds are chinstraps), labels noisy around 45 mm."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"bill_length_mm": rng.normal(45, 5, n), "noise": rng.normal(size=n)})
    y = np.where(frame["bill_length_mm"] > 45, "gentoo", "adelie").astype(object)
    flip = rng.random(n) < 0.15
    y[flip] = np.where(y[flip] == "gentoo", "adelie", "gentoo")
    frame.loc[:39, "bill_length_mm"] = np.nan
    y[:40] = "chinstrap"
    return frame, y


def test_surrogate_rules_drop_splits_that_change_nothing_and_never_show_an_infinite_threshold():
    from sklearn.tree import DecisionTreeClassifier, export_text

    from {{ cookiecutter.module_name }}_engine.interpretation.surrogate_rules import prune_same_class_splits, readable_rules

    frame, y = _penguins()
    grown = DecisionTreeClassifier(max_depth=3, random_state=0).fit(frame.to_numpy(), y)
    assert "<= inf" in export_text(grown)  # what the rules printed before: missing against present
    before = grown.predict(frame.to_numpy())
    assert prune_same_class_splits(grown) == 1  # the split ending in gentoo on both sides
    assert np.array_equal(grown.predict(frame.to_numpy()), before)  # pruning changes no prediction
    rules = readable_rules(grown, list(frame.columns), list(grown.classes_), missing_features=[0])
    assert "inf" not in rules and "bill_length_mm is missing" in rules and "bill_length_mm is present" in rules
    leaves = [line.split("class: ")[1] for line in rules.splitlines() if "class:" in line]
    assert len(leaves) == 6 and "chinstrap" in leaves  # 7 leaves grown, one split pruned


def test_the_surrogate_of_a_model_reads_without_infinite_thresholds_or_empty_splits():
    frame, y = _penguins()
    model = make_model("random_forest", frame).fit(frame, y)
    surrogate = surrogate_tree(model, frame, frame, max_depth=3, seed=0)
    summary = surrogate.summary()
    assert "inf" not in summary["rules"] and "missing" in summary["rules"]
    assert summary["leaves"] == summary["rules"].count("class:")
    lines = summary["rules"].splitlines()
    for i, line in enumerate(lines[:-3]):  # no split whose two sides are single leaves of one class
        sibling = line.replace("<=", ">").split(">")[0]
        if "class:" in lines[i + 1] and lines[i + 2].startswith(sibling) and "class:" in lines[i + 3]:
            assert lines[i + 1].strip() != lines[i + 3].strip()
