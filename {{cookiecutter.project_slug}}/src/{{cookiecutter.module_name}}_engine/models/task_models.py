"""An unfitted model of any family for the target it will learn: classes or a number.

Refits outside notebooks 02–05 (shortcut checks, seed stability, a release) build the model the
tuned one was built as; the target array says which task that was (tasks.task_of).
"""

import numpy as np


def build_for_target(family, X, params, y, seed=0, device=None):
    """Unfitted Pipeline of `family` with `params`, for the task of target array `y`."""
    if np.asarray(y).dtype.kind == "f":  # a numeric target: the regression registry builds it
        from ..tasks.registry import task_of

        return task_of(y).build_model(family, X, params, seed=seed, device=device)
    from ..tuning.spaces import build_model

    return build_model(family, X, params, seed=seed, device=device)
