import pandas as pd
from matplotlib.figure import Figure

from {{ cookiecutter.module_name }}_engine.figures.plots import (
    class_balance_bar,
    loss_curve,
    optimisation_history,
    score_bars,
    split_composition,
    train_tune_bars,
)
from {{ cookiecutter.module_name }}_engine.interpretation.plots import importance_bar


def _bars(fig):
    return fig.axes[0].patches


def test_class_balance_bar_draws_one_bar_per_class_and_the_floor(tmp_path):
    fig = class_balance_bar({"benign": 357, "malignant": 212}, floor=100)
    assert isinstance(fig, Figure)
    assert [bar.get_height() for bar in _bars(fig)] == [357, 212]
    assert fig.axes[0].get_ylabel() == "number of samples"
    assert len(fig.axes[0].lines) == 1
    fig.savefig(tmp_path / "balance.png")
    assert (tmp_path / "balance.png").stat().st_size > 1000


def test_figures_render_as_png_for_notebooks():
    png = class_balance_bar({"a": 1, "b": 2})._repr_png_()
    assert png.startswith(b"\x89PNG")


def test_score_bars_one_bar_per_model_with_error_bars():
    table = pd.DataFrame(
        {"model": ["prior", "svm", "network"], "roc_auc": [0.5, 0.97, 0.95], "sd": [0, 0.01, 0.02]}
    )
    fig = score_bars(table, "roc_auc", "sd", reference=0.5)
    assert [round(bar.get_height(), 2) for bar in _bars(fig)] == [0.5, 0.97, 0.95]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["prior (class frequencies)",
                                                                    "support vector machine", "network"]
    assert fig.axes[0].get_ylabel() == "ROC-AUC"


def test_score_bars_reads_model_names_from_the_index_and_takes_a_title():
    table = pd.DataFrame({"tune_roc_auc": [0.9, 0.8]}, index=["svm", "prior"], dtype=object)
    ax = score_bars(table, "tune_roc_auc", title="Baselines").axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["support vector machine", "prior (class frequencies)"]
    assert ax.get_title() == "Baselines" and ax.get_ylabel() == "ROC-AUC (tune)"
    table["tune_r2"] = [0.4, -0.0001]
    named = score_bars(table, "tune_r2", reference=-0.0001, words={"prior": "mean predictor"}).axes[0]
    assert [t.get_text() for t in named.get_xticklabels()] == ["support vector machine", "mean predictor"]
    assert named.get_ylabel() == "R² (tune)" and named.get_legend().get_texts()[0].get_text() == "reference 0.000"


def test_split_composition_stacks_class_shares_per_part():
    counts = pd.DataFrame({"train": [60, 40], "tune": [15, 5], "test": [12, 8]}, index=["benign", "malignant"])
    fig = split_composition(counts)
    heights = [round(bar.get_height(), 3) for bar in _bars(fig)]
    assert heights == [0.6, 0.75, 0.6, 0.4, 0.25, 0.4]
    assert [t.get_text() for t in fig.axes[0].texts] == ["n=100", "n=20", "n=20"]


def test_loss_curve_plots_each_loss_series():
    history = [{"epoch": e, "train_loss": 1 / e, "tune_loss": 1.2 / e} for e in range(1, 6)]
    fig = loss_curve(history, reference=0.69)
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    assert list(ax.lines[0].get_ydata()) == [1 / e for e in range(1, 6)]
    assert ax.get_xlabel() == "epoch"


def test_importance_bar_keeps_the_top_features_with_the_largest_on_top():
    table = pd.DataFrame(
        {
            "feature": [f"gene_{i}" for i in range(20)],
            "importance_mean": [0.2 - 0.01 * i for i in range(20)],
            "ci_low": [0.19 - 0.01 * i for i in range(20)],
            "ci_high": [0.21 - 0.01 * i for i in range(20)],
        }
    )
    fig = importance_bar(table, top=5)
    assert len(_bars(fig)) == 5
    assert fig.axes[0].get_yticklabels()[-1].get_text() == "gene_0"


def test_train_tune_bars_marks_flagged_models():
    gaps = {
        "svm": {"train": 0.99, "tune": 0.97, "flagged": False},
        "network": {"train": 1.0, "tune": 0.8, "flagged": True},
    }
    gaps["svm"]["threshold"] = gaps["network"]["threshold"] = 0.05
    fig = train_tune_bars(gaps)
    assert len(_bars(fig)) == 4
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["support vector machine", "network\n(overfit)"]
    gap_panel = fig.axes[1]
    assert [round(bar.get_width(), 6) for bar in gap_panel.patches] == [0.02, 0.2]
    assert any(list(line.get_xdata()) == [0.05, 0.05] for line in gap_panel.get_lines())


def test_optimisation_history_shows_best_so_far_per_family():
    trials = {
        "svm": {"trials": [{"number": n, "score": s} for n, s in enumerate([0.8, 0.7, 0.9])]},
        "network": [{"number": 0, "score": 0.6}, {"number": 1, "score": 0.85}, {"number": 2, "score": 0.8}],
    }
    fig = optimisation_history(trials)
    lines = fig.axes[0].lines
    assert len(lines) == 2
    assert list(lines[0].get_ydata()) == [0.8, 0.8, 0.9]
    assert list(lines[1].get_ydata()) == [0.6, 0.85, 0.85]


def test_notebook_05_and_01_figures_draw_their_parts():
    import numpy as np

    from {{ cookiecutter.module_name }}_engine.figures import plots

    coords = np.random.default_rng(0).normal(size=(30, 2))
    labels = np.array(["a", "b", "c"] * 10)
    pca = plots.pca_scatter(coords, labels, np.array(["g1", "g2"] * 15), [0.5, 0.2])
    assert len(pca.axes) == 2 and "50%" in pca.axes[0].get_xlabel()
    rows = [{"n": 10, "train": 1.0, "tune": 0.8}, {"n": 20, "train": 0.95, "tune": 0.85}]
    assert len(plots.learning_curves({"net": rows, "lr": rows}).axes[0].lines) == 4
    control = {"null": [0.5, 0.52, 0.48], "observed": 0.9, "p_value": 0.25, "n_runs": 3}
    null = plots.null_distributions({"net": control})
    assert null.axes[0].lines[0].get_xdata()[0] == 0.9
    curve = {"fpr": [0, 1], "tpr": [0, 1], "precision": [1, 0.4], "recall": [0, 1], "prevalence": 0.4,
             "averaging": "positive class"}
    roc_pr = plots.roc_pr_curves({"net": curve})
    assert any(line.get_ydata()[0] == 0.4 for line in roc_pr.axes[1].lines)
    assert len(plots.calibration({"net": {"predicted": [0.2, 0.8], "observed": [0.1, 0.9]}}).axes[0].lines) == 2
    panel = {m: {"value": 0.7, "low": 0.6, "high": 0.8} for m in ("roc_auc", "pr_auc", "f1_macro", "brier")}
    intervals = plots.metric_intervals({"net": panel, "lr": panel}, prevalence=0.3)
    assert [t.get_text() for t in intervals.axes[0].get_yticklabels()] == ["ROC-AUC", "PR-AUC", "macro F1",
                                                                          "Brier score"]  # as the reports name them
    for figure in (pca, null, roc_pr, intervals):
        assert figure._repr_png_().startswith(b"\x89PNG")
# interpretation and subgroup figures -----------------------------------------------------
import numpy as np  # noqa: E402

from {{ cookiecutter.module_name }}_engine.figures.plots import subgroup_bars  # noqa: E402
from {{ cookiecutter.module_name }}_engine.interpretation.plots import (  # noqa: E402
    agreement_and_stability,
    importance_comparison,
    surrogate_tree_figure,
)


def _importance(values):
    mean = np.asarray(values, dtype=float)
    return pd.DataFrame({"feature": ["x", "y", "z"][: len(mean)], "importance_mean": mean,
                         "ci_low": mean - 0.01, "ci_high": mean + 0.01})


def test_importance_comparison_has_one_panel_per_table_in_the_first_tables_order():
    first = _importance([0.3, 0.2, 0.1])
    second = _importance([0.1, 0.2, 0.3])
    fig = importance_comparison({"network · permutation": first, "svm · permutation": second})
    assert [ax.get_title() for ax in fig.axes] == ["network · permutation", "support vector machine · permutation"]
    widths = [round(bar.get_width(), 2) for bar in fig.axes[1].patches]
    assert widths == [0.3, 0.2, 0.1]  # z, y, x from bottom: the first table's order, second table's values


def test_agreement_and_stability_shows_matrix_values_and_one_point_per_seed_pair():
    matrix = pd.DataFrame([[1.0, 0.4], [0.4, 1.0]], index=["a", "b"], columns=["a", "b"])
    stability = {"permutation": {"pairs": [{"spearman": 0.9}, {"spearman": 0.8}, {"spearman": 0.7}]}}
    fig = agreement_and_stability(matrix, stability, floor=0.5)
    heat, seeds = fig.axes[0], fig.axes[1]
    assert sorted(t.get_text() for t in heat.texts) == ["0.40", "0.40", "1.00", "1.00"]
    points = [c for c in seeds.collections if type(c).__name__ == "PathCollection"]
    assert len(points) == 1 and len(points[0].get_offsets()) == 3 and seeds.lines[0].get_ydata()[0] == 0.5


def test_surrogate_tree_figure_draws_every_node(tmp_path):
    from sklearn.tree import DecisionTreeClassifier

    from {{ cookiecutter.module_name }}_engine.interpretation.interpret import surrogate_tree

    frame = pd.DataFrame({"size": np.arange(40.0), "noise": np.tile([0.0, 1.0], 20)})
    labels = np.where(frame["size"] > 20, "malignant", "benign")
    model = DecisionTreeClassifier(random_state=0).fit(frame, labels)
    surrogate = surrogate_tree(model, frame, frame, max_depth=2, seed=0)
    fig = surrogate_tree_figure(surrogate)
    boxes = [t for t in fig.axes[0].texts if "%" in t.get_text()]
    assert len(boxes) == surrogate.pipeline[-1].tree_.node_count
    assert "agrees on 100% of tune samples" in fig.axes[0].get_title()
    fig.savefig(tmp_path / "tree.png")


def test_subgroup_bars_one_bar_per_model_and_group_with_overall_lines():
    table = pd.DataFrame({
        "model": ["network", "network", "svm", "svm"],
        "subgroup": ["sex"] * 4, "group": ["F", "M", "F", "M"],
        "balanced_accuracy": [0.9, 0.6, 0.8, None],
    })
    fig = subgroup_bars(table, {"network": 0.75, "svm": 0.8})
    ax = fig.axes[0]
    heights = [round(bar.get_height(), 2) for bar in ax.patches]
    assert heights[:2] == [0.9, 0.6] and heights[2] == 0.8 and np.isnan(heights[3])
    assert sorted(line.get_ydata()[0] for line in ax.lines) == [0.75, 0.8]
