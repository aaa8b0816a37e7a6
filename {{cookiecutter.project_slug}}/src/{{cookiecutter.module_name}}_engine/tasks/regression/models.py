"""Classical regression models every network must beat (Tip 2), built like the classifiers of baselines.py.

A mean predictor (the prior: it always predicts the training mean), ridge regression, a random
forest, k-nearest neighbours and support vector regression, each behind the same training-only
preprocessor as the network, so no model gets better data handling than another.
"""

from sklearn.compose import TransformedTargetRegressor
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

from ...common.errors import LabError
from ...common.names import NETWORK
from ...models.preprocess import make_preprocessor
from ..views import BaselinesView

PRIOR = "prior"
CLASSICAL = ("ridge", "random_forest", "k_nearest_neighbours", "svm")
FAMILIES = (PRIOR, *CLASSICAL)
LABELS = {PRIOR: "mean predictor", "ridge": "ridge regression", "random_forest": "random forest",
          "k_nearest_neighbours": "k-nearest neighbours", "svm": "support vector regression", NETWORK: "network"}

_BUILDERS = {
    PRIOR: lambda seed: DummyRegressor(strategy="mean"),
    "ridge": lambda seed: Ridge(alpha=1.0),
    "random_forest": lambda seed: RandomForestRegressor(n_estimators=200, n_jobs=1, random_state=seed),
    "k_nearest_neighbours": lambda seed: KNeighborsRegressor(n_neighbors=5),
    "svm": lambda seed: SVR(kernel="rbf", gamma="scale"),
}


def make_regressor(family, params=None, seed=0):
    """The bare, unfitted regressor of one family with params applied (unknown names refused)."""
    if family not in _BUILDERS:
        raise LabError(f"unknown regression model family '{family}'; choose one of {', '.join(FAMILIES)}.")
    estimator = _BUILDERS[family](seed)
    params = dict(params or {})
    unknown = sorted(k for k in params if k not in estimator.get_params(deep=False))
    if unknown:
        raise LabError(f"model family '{family}' has no parameter {', '.join(map(repr, unknown))}; "
                       f"use one of {', '.join(sorted(estimator.get_params(deep=False)))}.")
    estimator.set_params(**params)
    if family == "svm":  # C and epsilon are in target units: fit on the standardised target, predict in units
        return TransformedTargetRegressor(regressor=estimator, transformer=StandardScaler())
    return estimator


def regression_parameter_names(family):
    """Hyperparameter names a regression family accepts."""
    return sorted(_BUILDERS[family](0).get_params(deep=False)) if family in _BUILDERS else []


def build_regression_model(family, X, params=None, seed=0, device=None):
    """Unfitted Pipeline (training-only preprocessor, then the regressor) of any family, the network included."""
    if family == NETWORK:
        from .networks import make_regression_network

        return make_regression_network(X, params, seed, device=device)
    return Pipeline([("prep", make_preprocessor(X)), ("model", make_regressor(family, params, seed))])


def make_regression_baselines(X, seed=0):
    """The mean predictor and the four classical regressors with default settings."""
    return {family: build_regression_model(family, X, seed=seed) for family in FAMILIES}


# notebook 02 -----------------------------------------------------------------------------------
def _row(model, X_scored, y_scored, X_tune, y_tune, metric):
    from .metrics import predict_numbers, regression_panel, score_regression

    panel = regression_panel(y_tune, predict_numbers(model, X_tune))
    return {"train_score": score_regression(model, X_scored, y_scored, metric),
            "tune_score": score_regression(model, X_tune, y_tune, metric), **{f"tune_{k}": v for k, v in panel.items()}}


def _table(rows, key):
    import pandas as pd

    table = pd.DataFrame.from_dict(rows, orient="index").sort_values(key, ascending=False)
    table.index = [f"{LABELS[n]}{'' if n == PRIOR or rows[n]['beats_prior'] else ' (NOT above the mean predictor)'}"
                   for n in table.index]
    return table


def _figure(task, rows, table, metric):
    import pandas as pd

    from ...figures import plots

    return plots.score_bars(
        pd.DataFrame.from_dict(rows, orient="index").sort_values("tune_score", ascending=False), f"tune_{metric}",
        reference=rows[PRIOR][f"tune_{metric}"],
        title=f"Default baselines on the tune split ({task.metric_label(metric).lstrip('−')}; dashed: mean predictor)",
        words=LABELS,
    )


def _record(task, metric):
    return {"task": task.name, "score": metric, "score_sign": task.sign(metric), "prior_label": task.prior_label}


BASELINES = BaselinesView(make=make_regression_baselines, row=_row, rank_key=lambda metric: "tune_score",
                          notes=lambda baselines: ([], {}), table=_table, figure=_figure, record=_record)
