"""Figures a reviewer can read: counted calibration bins, honest score axes, units, names in words."""

import numpy as np
import pandas as pd

from {{ cookiecutter.module_name }}_engine.figures import plots
from {{ cookiecutter.module_name }}_engine.interpretation import plots as interpret_plots
from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import calibration_points


def test_calibration_uses_equal_count_bins_and_reports_their_sizes():
    rng = np.random.default_rng(0)
    y = np.array(["benign"] * 72 + ["malignant"] * 42)
    p = np.clip(rng.beta(0.5, 0.5, size=114), 0, 1)
    points = calibration_points(y, np.column_stack([1 - p, p]), ["benign", "malignant"])
    assert int(np.sum(points["counts"])) == 114
    assert min(points["counts"]) >= 10 and len(points["counts"]) <= 11
    figure = plots.calibration({"k_nearest_neighbours": points})
    curve, below = figure.axes
    assert [int(bar.get_height()) for bar in below.patches] == [int(n) for n in points["counts"]]
    assert "equal sample count" in below.get_xlabel() and below.get_ylabel() == "samples"
    assert curve.get_legend().get_texts()[1].get_text() == "k-nearest neighbours"


def test_score_axes_do_not_turn_a_few_thousandths_into_a_trend():
    curves = {"network": [{"n": 100, "tune": 0.990, "train": 0.995}, {"n": 200, "tune": 0.993, "train": 0.996}]}
    ax = plots.learning_curves(curves).axes[0]
    low, high = ax.get_ylim()
    assert high <= 1.0 and high - low >= 0.1 - 1e-9
    assert any(t.get_text().startswith("axis from") for t in ax.texts)
    assert "the network · tune" not in [t.get_text() for t in ax.get_legend().get_texts()]
    gaps = {"random_forest": {"train": 1.0, "tune": 0.995, "gap": 0.005, "flagged": False, "threshold": 0.05}}
    scores = plots.train_tune_bars(gaps).axes[0]
    assert scores.get_ylim()[1] - scores.get_ylim()[0] >= 0.1 - 1e-9
    assert [t.get_text() for t in scores.get_xticklabels()] == ["random forest"]


def test_importance_panels_state_their_units_and_name_models_in_words():
    table = pd.DataFrame({"feature": ["a", "b"], "importance_mean": [0.2, 0.1], "ci_low": [0.1, 0.0],
                          "ci_high": [0.3, 0.2]})
    figure = interpret_plots.importance_comparison({"k_nearest_neighbours · permutation": table,
                                          "network · integrated gradients": table})
    first, second = figure.axes[:2]
    assert first.get_title() == "k-nearest neighbours · permutation"
    assert "drop in ROC-AUC" in first.get_xlabel() and "logit units" in second.get_xlabel()


def test_surrogate_tree_stays_legible_at_the_report_width():
    from sklearn.tree import DecisionTreeClassifier

    from {{ cookiecutter.module_name }}_engine.interpretation.interpret import surrogate_tree

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 4)), columns=["worst_concave_points", "mean_texture", "b", "c"])
    labels = np.where(frame.sum(axis=1) > 0, "malignant", "benign")
    model = DecisionTreeClassifier(random_state=0).fit(frame, labels)
    surrogate = surrogate_tree(model, frame, frame, max_depth=3, seed=0)
    figure = interpret_plots.surrogate_tree_figure(surrogate)
    texts = [t for t in figure.axes[0].texts if "%" in t.get_text()]
    shown_at = 7.0 / figure.get_size_inches()[0]  # the report shows figures about 7 inches wide
    assert min(t.get_fontsize() for t in texts) * shown_at >= 6.5
    assert sum("samples" in t.get_text() for t in texts) == 1  # the words once, at the root


def test_search_agreement_and_shuffled_label_figures_name_models_in_words_without_overlap():
    trials = {"k_nearest_neighbours": [{"number": 0, "score": 0.8}], "svm": [{"number": 0, "score": 0.7}]}
    history = plots.optimisation_history(trials).axes[0]
    assert [t.get_text() for t in history.get_legend().get_texts()] == ["k-nearest neighbours",
                                                                        "support vector machine"]
    matrix = pd.DataFrame(np.eye(2), index=["network · permutation", "k_nearest_neighbours · permutation"],
                          columns=["network · permutation", "k_nearest_neighbours · permutation"])
    stability = {"permutation": {"pairs": [{"spearman": 0.9}]}}
    heat = interpret_plots.agreement_and_stability(matrix, stability, floor=0.5).axes[0]
    assert [t.get_text() for t in heat.get_yticklabels()] == ["network\npermutation",
                                                              "k-nearest neighbours\npermutation"]
    control = {"null": [0.5, 0.52, 0.48], "observed": 0.9, "p_value": 0.25, "n_runs": 3}
    figure = plots.null_distributions({"network": control, "k_nearest_neighbours": control})
    figure.canvas.draw()
    titles = [ax.title.get_window_extent() for ax in figure.axes]
    assert figure.axes[1].get_title().startswith("k-nearest neighbours\np = 0.25")
    assert titles[0].x1 <= titles[1].x0  # the two panel titles do not run into each other
