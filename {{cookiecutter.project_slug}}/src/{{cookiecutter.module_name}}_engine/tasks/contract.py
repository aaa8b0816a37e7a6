"""The contract of a task: what classification, regression or any new task provides the protocol.

A task is one folder under tasks/ whose `task.py` defines a subclass of `Task` and one instance of
it, registered in tasks/registry.py. Code outside tasks/ never asks which task it runs: it calls
these methods and reads these attributes. `check_task` checks an instance against the contract,
as scikit-learn's `check_estimator` checks an estimator.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np

from .views import (
    BaselinesView,
    EthicsView,
    InterpretView,
    NetworkView,
    OverfittingView,
    QuestionView,
    ReportView,
)

PRIOR = "prior"  # the family key of the model that knows nothing (class frequencies, the training mean)


class view:  # noqa: N801 - used like a property
    """A notebook view, read on first use from a module of the task's own folder: `view("question", "QUESTION")`.

    Lazy, so registering a task imports none of its notebook code (and no PyTorch).
    """

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __set_name__(self, owner, attribute: str) -> None:
        self.attribute = attribute
        self.package = owner.__module__.rpartition(".")[0]  # the folder of the class that names the view

    def __get__(self, task, owner=None):
        if task is None:
            return self
        value = getattr(importlib.import_module(f"{self.package}.{self.module}"), self.name)
        task.__dict__[self.attribute] = value
        return value


class Task:
    """One task's choices. Subclasses set the attributes and implement every method below."""

    name: str = ""
    default_metric: str = ""  # the tune-split score that ranks models when lab.yaml's tuning.metric is null
    metrics: tuple[str, ...] = ()  # every metric tuning.metric may name
    metric_labels: dict[str, str] = {}  # how a ranking score is named in tables and axes
    panel_metrics: tuple[str, ...] = ()  # the panel every model is reported with
    families: tuple[str, ...] = ()  # the model families tuned when lab.yaml lists none
    prior: str = PRIOR  # the family key of the model that knows nothing
    prior_label: str = PRIOR  # how the prior model is named in reports
    display_name: str = "label"  # what display_labels gives a sample, in words ("label", "target bin")
    confounding_measure: tuple[str, str] = ()  # (key, words) of how well one column alone predicts the target
    question: QuestionView  # notebook 00's task-specific pieces
    baselines: BaselinesView  # notebook 02's task-specific pieces
    network: NetworkView  # notebook 03's task-specific pieces
    overfitting: OverfittingView  # notebook 05's task-specific pieces
    interpretation: InterpretView  # notebook 06's task-specific pieces
    ethics: EthicsView  # notebook 07's task-specific pieces
    report: ReportView  # the reports' task-specific words and sentences

    # the target -------------------------------------------------------------------------------
    def accepts(self, y) -> bool:
        """True when a target array is this task's (class labels are text, numbers float64)."""
        raise NotImplementedError

    def target(self, values, source: str, column: str, places: list[str]) -> np.ndarray:
        """The target read from `values` and checked, or a LabError naming `source`, `column` and the row."""
        raise NotImplementedError

    def classes(self, y, positive: str | None, source: str) -> tuple[str, ...]:
        """The class names in the order scores refer to (positive last); () for a target with no classes."""
        raise NotImplementedError

    def floor_counts(self, y, everything: str) -> dict[str, int]:
        """Samples counted against Tip 1's floor: per class, or all of them under the name `everything`."""
        raise NotImplementedError

    def stratify_labels(self, y, bins: int = 5) -> np.ndarray:
        """What the split keeps even across train, tune and test: the classes, or quantile bins of the target."""
        raise NotImplementedError

    def display_labels(self, y, bins: int = 5) -> np.ndarray:
        """What tables and figures group samples by: the classes, or the target's quantile bins as text."""
        raise NotImplementedError

    # settings ---------------------------------------------------------------------------------
    def with_defaults(self, raw: dict) -> dict:
        """Raw lab.yaml settings with this task's defaults filled in: the families it tunes, unless listed."""
        tuning = raw.get("tuning")
        if tuning is None or (isinstance(tuning, dict) and "families" not in tuning):
            raw = {**raw, "tuning": {**(tuning or {}), "families": list(self.families)}}
        return raw

    def settings_problem(self, cfg) -> str | None:
        """The first lab.yaml setting that does not fit this task, as one sentence, or None."""
        raise NotImplementedError

    def split_settings(self, cfg) -> dict:
        """What this task adds to a split record's settings (a change to them makes a new split)."""
        return {}

    def strata_notice(self, cfg, data) -> str | None:
        """A notice when the split cannot keep the strata lab.yaml asks for, or None."""
        return None

    def split_record(self, cfg, y) -> dict:
        """What a split record notes about the strata the split kept even (e.g. a target's quantile bins)."""
        return {}

    def network_settings(self, cfg) -> dict:
        """Estimator parameters lab.yaml sets for this task's network head (e.g. its loss)."""
        return {}

    # models and scores ------------------------------------------------------------------------
    def metric(self, metric: str | None = None) -> str:
        """The metric in force: `metric`, or the task's default when None."""
        return metric or self.default_metric

    def metric_label(self, metric: str | None = None) -> str:
        """How the ranking score is named in tables and axes."""
        chosen = self.metric(metric)
        return self.metric_labels.get(chosen, chosen)

    def sign(self, metric: str | None = None) -> int:
        """+1 when the metric's value is its score, -1 when the score is its negation (an error)."""
        return 1

    def study_key(self, key: str, metric: str | None = None) -> str:
        """The data key a tuning study is recorded under: a study scored by another metric is another study."""
        return key

    def score(self, model, X, y, metric: str | None = None) -> float:
        """The ranking score of a fitted model on (X, y); higher is better."""
        raise NotImplementedError

    def scorer(self, metric: str | None = None) -> Callable:
        """`f(estimator, X, y)` returning `score` (scikit-learn's scorer signature)."""
        chosen = self.metric(metric)
        return lambda estimator, X, y: self.score(estimator, X, y, chosen)

    def predict(self, model, X) -> np.ndarray:
        """What the panel reads: class probabilities (n, classes), or numbers (n,) in the target's units."""
        raise NotImplementedError

    def panel(self, y_true, predicted, classes=None) -> dict:
        """Every panel metric of one set of predictions."""
        raise NotImplementedError

    def build_model(self, family, X, params=None, seed=0, device=None):
        """Unfitted Pipeline (training-only preprocessor, then the estimator) of any family, network included."""
        raise NotImplementedError

    def make_network(self, X, params=None, seed=0, device=None):
        """Unfitted Pipeline of the modality's network with this task's head."""
        raise NotImplementedError

    def confounding(self, groups, y, frame, threshold, seed=0, skip=()) -> tuple[dict | None, dict]:
        """How well the group column, and each metadata column of `frame`, alone predict the target (Tip 4)."""
        raise NotImplementedError

    def confounding_warnings(self, group_result, by_column) -> list[dict]:
        """Warnings for the group column and the metadata columns that predict the target beyond the threshold."""
        raise NotImplementedError


REQUIRED_ATTRIBUTES = ("name", "default_metric", "metrics", "panel_metrics", "families", "prior_label", "display_name",
                       "confounding_measure")
# Each notebook's task-specific pieces, and the type each must be (loaded on first use: their modules import more).
VIEWS = {"question": QuestionView, "baselines": BaselinesView, "network": NetworkView, "overfitting": OverfittingView,
         "interpretation": InterpretView, "ethics": EthicsView, "report": ReportView}


def check_task(task: Task, views: bool = True) -> list[str]:
    """What an instance lacks against the contract: unset attributes, methods left unimplemented, views.

    With `views=False` (registration) a view is only required to be defined, not loaded, so reading the
    registry imports none of the modules behind the views; the tests check them whole.
    """
    problems = [f"attribute {name} is not set" for name in REQUIRED_ATTRIBUTES if not getattr(task, name, None)]
    for name, member in vars(Task).items():
        if callable(member) and not name.startswith("_"):
            if getattr(type(task), name) is member and _raises_not_implemented(member):
                problems.append(f"method {name} is not implemented")
    if task.default_metric and task.default_metric not in task.metrics:
        problems.append(f"default_metric {task.default_metric} is not among metrics")
    for name, kind in VIEWS.items():
        if not hasattr(type(task), name):
            problems.append(f"view {name} is not defined")
        elif views and not isinstance(getattr(task, name), kind):
            problems.append(f"{name} is not a {kind.__name__}")
    return problems


def _raises_not_implemented(function) -> bool:
    code = getattr(function, "__code__", None)
    return code is not None and "NotImplementedError" in code.co_names
