"""Train / tune / test split, stratified by class and kept whole by group (Tip 7).

The split is a pure function of the labels, groups, fractions and seed, so a re-run gives
the same partition; it is recorded with the hash of the data it was made from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold, train_test_split

from .errors import LabError

PARTS = ("train", "tune", "test")


@dataclass(frozen=True)
class Split:
    """Row positions of each part, sorted."""

    train: np.ndarray
    tune: np.ndarray
    test: np.ndarray

    def sizes(self) -> dict[str, int]:
        return {part: int(len(getattr(self, part))) for part in PARTS}

    def to_dict(self, ids: np.ndarray) -> dict[str, list[str]]:
        return {part: [str(ids[i]) for i in getattr(self, part)] for part in PARTS}

    @classmethod
    def from_dict(cls, parts: dict[str, list[str]], ids: np.ndarray) -> Split:
        position = {str(sample): i for i, sample in enumerate(ids)}
        missing = [s for part in PARTS for s in parts[part] if s not in position][:3]
        if missing:
            raise LabError(
                f"the recorded split names samples {missing} that the data no longer holds; "
                "the data changed since the split was made, so start a fresh run"
            )
        return cls(**{part: np.array(sorted(position[s] for s in parts[part]), dtype=int) for part in PARTS})


def _check_class_sizes(y: np.ndarray, test: float, tune: float) -> None:
    labels, counts = np.unique(y, return_counts=True)
    smallest = float(min(test, tune))
    need = int(np.ceil(1 / smallest)) if smallest > 0 else 1
    small = [f"'{label}' ({count})" for label, count in zip(labels, counts, strict=False) if count < max(3, need)]
    if small:
        raise LabError(
            f"class(es) {', '.join(small)} have too few samples to appear in train, tune and test "
            f"(at least {max(3, need)} needed); collect more samples, merge classes, or enlarge "
            "split.tune and the test share in lab.yaml"
        )


def _stratified(y: np.ndarray, tune: float, test: float, seed: int) -> Split:
    positions = np.arange(len(y))
    rest, test_idx = train_test_split(positions, test_size=test, stratify=y, random_state=seed)
    train_idx, tune_idx = train_test_split(
        rest, test_size=tune / (1 - test), stratify=y[rest], random_state=seed
    )
    return Split(np.sort(train_idx), np.sort(tune_idx), np.sort(test_idx))


def _grouped_part(y, groups, positions, share, seed):
    """Pick whole groups holding about `share` of `positions`, keeping classes balanced."""
    n_folds = max(2, int(round(1 / share)))
    n_groups = len(np.unique(groups[positions]))
    if n_groups < n_folds:
        raise LabError(
            f"data.group_column has only {n_groups} groups, too few to keep groups apart in "
            f"train, tune and test; collect more groups or set data.group_column to null in lab.yaml"
        )
    folds = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    keep, held = next(folds.split(positions, y[positions], groups[positions]))
    return positions[keep], positions[held]


def make_split(y: np.ndarray, groups: np.ndarray | None, train: float, tune: float, seed: int) -> Split:
    """Partition rows into train, tune and test with the fractions from `lab.yaml`."""
    test = 1.0 - train - tune
    _check_class_sizes(y, test, tune)
    if groups is None:
        return _stratified(y, tune, test, seed)
    positions = np.arange(len(y))
    rest, test_idx = _grouped_part(y, groups, positions, test, seed)
    train_idx, tune_idx = _grouped_part(y, groups, rest, tune / (1 - test), seed)
    return Split(np.sort(train_idx), np.sort(tune_idx), np.sort(test_idx))


def groups_crossing(split: Split, groups: np.ndarray | None) -> list[str]:
    """Groups found in more than one part — leakage a grouped split must never show."""
    if groups is None:
        return []
    seen = [set(groups[getattr(split, part)]) for part in PARTS]
    return sorted((seen[0] & seen[1]) | (seen[0] & seen[2]) | (seen[1] & seen[2]))
