"""Class labels read and checked: a label in every sample, at least two classes, the positive one last."""

import numpy as np
import pandas as pd

from ...common.errors import LabError


def class_labels(values, source: str, column: str, places: list[str]) -> np.ndarray:
    """The labels as text, or a LabError naming the file, the column and the samples without one.

    `places` names each sample for messages ("line 5", "sequence 's1'", "image 'a.png'").
    """
    raw = pd.Series(list(values), dtype=object)
    missing = np.flatnonzero(raw.isna().to_numpy())
    if len(missing):
        where = ", ".join(places[int(row)] for row in missing[:5]) + (" …" if len(missing) > 5 else "")
        raise LabError(
            f"{source}: target column '{column}' is empty on {where}; fill in those labels or remove the samples"
        )
    labels = raw.astype(str).to_numpy()
    if len(set(labels)) < 2:
        raise LabError(
            f"{source}: target column '{column}' holds a single class ('{labels[0]}'); "
            "a classifier needs at least two, so check data.target in lab.yaml or the file"
        )
    return labels


def class_order(labels: np.ndarray, positive: str | None, source: str) -> tuple[str, ...]:
    """Sorted class names with the positive class last, so binary scores refer to it."""
    classes = sorted(set(labels))
    if positive is not None:
        if positive not in classes:
            raise LabError(
                f"lab.yaml field 'data.positive_class' is '{positive}', which is not a class in {source} "
                f"(classes: {', '.join(classes)}); set it to one of them or to null"
            )
        classes.remove(positive)
        classes.append(positive)
    return tuple(classes)
