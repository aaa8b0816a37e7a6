import numpy as np

from {{ cookiecutter.module_name }}_engine.tasks.regression.plots import interval_metrics, predicted_vs_observed, residual_plot


def test_regression_figures_name_models_as_a_regression_study_does():
    observed = np.array([1.0, 2.0, 3.0, 4.0])
    predictions = {"network": observed + 0.1, "ridge": observed - 0.2, "svm": observed}
    scatter = predicted_vs_observed(observed, predictions, name="affinity")
    assert [ax.get_title() for ax in scatter.axes] == ["network (test split)", "ridge regression (test split)",
                                                       "support vector regression (test split)"]
    assert scatter.axes[1].get_xlabel() == "observed affinity"
    residuals = residual_plot(observed, predictions)
    assert residuals.axes[2].get_title() == "support vector regression: residuals (test split)"
    metric = {"value": 0.5, "low": 0.4, "high": 0.6}
    intervals = interval_metrics({"network": {"r2": metric, "rmse": metric}, "ridge": {"r2": metric, "rmse": metric}})
    assert [t.get_text() for t in intervals.axes[0].get_yticklabels()] == ["network", "ridge regression"]
    assert [ax.get_title() for ax in intervals.axes] == ["R²", "RMSE"]
