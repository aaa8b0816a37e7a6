"""Classical classifiers that every network must beat (Tip 2).

Each model is a Pipeline of the training-only preprocessor and one estimator, so a
baseline sees exactly the same data handling as the network it is compared with.
"""

from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline

from ...common.errors import LabError
from ...evaluation.scale import ScalableSVC
from ...models.preprocess import make_preprocessor
from ..views import BaselinesView

CLASSICAL = (
    "logistic_regression",
    "random_forest",
    "k_nearest_neighbours",
    "naive_bayes",
    "svm",
)
PRIOR = "prior"
FAMILIES = (PRIOR, *CLASSICAL)

# Parameters that belong to the calibration wrapper around the SVM, not to the SVC itself.
_CALIBRATION_PARAMS = ("method", "cv", "ensemble")


def make_estimator(family, params=None, seed=0):
    """Return the bare, unfitted estimator of one model family with params applied.

    Defaults are modest so a laptop fits them in seconds; `seed` fixes every random choice.
    """
    if family not in _BUILDERS:
        raise LabError(
            f"unknown model family '{family}'; choose one of {', '.join(FAMILIES)}."
        )
    return _BUILDERS[family](dict(params or {}), seed)


def make_model(family, X, params=None, seed=0):
    """Return an unfitted Pipeline: preprocessor for the columns of X, then the estimator.

    Fitting the whole pipeline on training rows keeps tune and test rows out of every fitted
    parameter (Tip 7).
    """
    return Pipeline(
        [("prep", make_preprocessor(X)), ("model", make_estimator(family, params, seed))]
    )


def make_baselines(X, seed=0):
    """Return the prior (chance) model and the five classical models with default settings.

    The prior model predicts class frequencies only: any model must clear it to claim skill.
    """
    return {family: make_model(family, X, seed=seed) for family in FAMILIES}


def _prior(params, seed):
    return _apply(DummyClassifier(strategy="prior", random_state=seed), params, PRIOR)


def _logistic_regression(params, seed):
    return _apply(LogisticRegression(max_iter=1000, random_state=seed), params, "logistic_regression")


def _random_forest(params, seed):
    forest = RandomForestClassifier(n_estimators=200, n_jobs=1, random_state=seed)
    return _apply(forest, params, "random_forest")


def _k_nearest_neighbours(params, seed):
    return _apply(KNeighborsClassifier(n_neighbors=5), params, "k_nearest_neighbours")


def _naive_bayes(params, seed):
    return _apply(GaussianNB(), params, "naive_bayes")


def _svm(params, seed):
    outer = {k: v for k, v in params.items() if k in _CALIBRATION_PARAMS}
    inner = {k: v for k, v in params.items() if k not in _CALIBRATION_PARAMS}
    svc = _apply(ScalableSVC(random_state=seed), inner, "svm")  # exact RBF up to scale.KERNEL_SVM_UP_TO rows
    calibrated = CalibratedClassifierCV(svc, method="sigmoid", cv=3)
    return _apply(calibrated, outer, "svm")


def parameter_names(family):
    """Hyperparameter names a family accepts (for the SVM, the SVC's plus the calibration's)."""
    if family not in FAMILIES:
        raise LabError(f"unknown model family '{family}'; choose one of {', '.join(FAMILIES)}.")
    names = set(_bare(family).get_params(deep=False))
    if family == "svm":
        names = set(ScalableSVC().get_params(deep=False)) | set(_CALIBRATION_PARAMS)
    return sorted(names - {"estimator"})


def _bare(family):
    return _BUILDERS[family]({}, 0)


def _apply(estimator, params, family):
    valid = estimator.get_params(deep=False)
    unknown = sorted(k for k in params if k not in valid)
    if unknown:
        raise LabError(
            f"model family '{family}' has no parameter {', '.join(map(repr, unknown))}; "
            f"use one of {', '.join(parameter_names(family))}."
        )
    return estimator.set_params(**params)


_BUILDERS = {
    PRIOR: _prior,
    "logistic_regression": _logistic_regression,
    "random_forest": _random_forest,
    "k_nearest_neighbours": _k_nearest_neighbours,
    "naive_bayes": _naive_bayes,
    "svm": _svm,
}


# notebook 02 -----------------------------------------------------------------------------------
def _row(model, X_scored, y_scored, X_tune, y_tune, metric):
    from .evaluation import metric_panel, score_model

    panel = metric_panel(y_tune, model.predict_proba(X_tune), list(model.classes_))
    return {"train_score": score_model(model, X_scored, y_scored), **{f"tune_{k}": v for k, v in panel.items()}}


def _notes(baselines):
    svm_method = baselines["svm"][-1].calibrated_classifiers_[0].estimator.method_
    return [f"svm: {svm_method}"], {"svm_method": svm_method}


def _table(rows, key):
    import pandas as pd

    return pd.DataFrame.from_dict(rows, orient="index").sort_values(key, ascending=False)


def _figure(task, rows, table, metric):
    from ...figures import plots

    return plots.score_bars(table, "tune_roc_auc", reference=rows[PRIOR]["tune_roc_auc"],
                            title=f"Default baselines on the tune split ({task.metric_label(metric)}; "
                                  "dashed: prior model)")


BASELINES = BaselinesView(make=make_baselines, row=_row, rank_key=lambda metric: "tune_roc_auc", notes=_notes,
                          table=_table, figure=_figure, record=lambda task, metric: {"score": "roc_auc"})
