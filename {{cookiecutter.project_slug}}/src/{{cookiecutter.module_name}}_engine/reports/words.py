"""A run's task in its reports: the task's ReportView, found from what the run recorded (tasks.registry)."""

from __future__ import annotations

from ..tasks.registry import task_named
from .documents import label


def report_view(facts):
    """The ReportView of the run's task."""
    return task_named(facts.task).report


def family_words(facts, family) -> str:
    """A family key in words for this run's task: for a number, 'prior' is the mean predictor, 'svm' SVR."""
    return report_view(facts).family_words.get(str(family)) or label(str(family))
