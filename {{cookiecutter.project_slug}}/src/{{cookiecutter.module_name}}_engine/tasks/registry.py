"""The registry of tasks: what a study predicts (lab.yaml `task`), one folder each under tasks/.

`task_for(cfg)` gives the Task of a validated lab.yaml, `task_of(y)` the Task of a target array,
`task_named(name)` the one registered under a name. A new task is one folder whose `task.py`
defines a `tasks.contract.Task` and one line in BUILT_IN below (or a `register_task` call); code
outside tasks/ asks the Task what differs instead of testing which task it runs.
"""

from __future__ import annotations

from .classification.task import TASK as CLASSIFICATION
from .contract import Task, check_task
from .regression.task import TASK as REGRESSION

BUILT_IN = (CLASSIFICATION, REGRESSION)  # the first is the default of lab.yaml's `task`
TASKS: dict[str, Task] = {}


def register_task(task: Task) -> Task:
    """Add a task to the registry under its name, after checking it against the contract."""
    problems = check_task(task, views=False)
    if problems:
        raise TypeError(f"task {task.name or type(task).__name__} does not meet the contract: {'; '.join(problems)}")
    TASKS[task.name] = task
    return task


for _task in BUILT_IN:
    register_task(_task)

DEFAULT_TASK = BUILT_IN[0].name


def task_names() -> tuple[str, ...]:
    """Every registered task's name, the default first."""
    return tuple(TASKS)


def task_named(name: str | None) -> Task:
    """The Task registered under `name` (None: the default task)."""
    return TASKS[name or DEFAULT_TASK]


def task_for(cfg) -> Task:
    """The Task of a validated lab.yaml."""
    return task_named(cfg.task)


def task_of(y) -> Task:
    """The Task of a target array: the first registered task that accepts it (text labels, float64 numbers)."""
    for task in TASKS.values():
        if task.accepts(y):
            return task
    raise TypeError(f"no registered task accepts a target of dtype {getattr(y, 'dtype', type(y))}")


def metric_names() -> list[str]:
    """Every metric any registered task ranks models by (what lab.yaml's tuning.metric may name)."""
    return [metric for registered in TASKS.values() for metric in registered.metrics]


def metric_label(metric: str) -> str:
    """How a ranking score is named in tables and axes, whichever task it belongs to."""
    for task in TASKS.values():
        if metric in task.metric_labels:
            return task.metric_labels[metric]
    return metric


def primary_metric(cfg) -> str:
    """lab.yaml's tuning.metric, or the task's default (roc_auc, r2)."""
    return task_for(cfg).metric(cfg.tuning.metric)
