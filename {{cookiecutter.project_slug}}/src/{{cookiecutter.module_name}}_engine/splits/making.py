"""Train / tune / test parts of a set of samples: stratified, groups kept whole, leakage named (Tip 7).

The arithmetic of a split, apart from where it is kept (split.py): a split of strata (classes, or a
target's quantile bins) and optional groups, and the ids that tie one part to another.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold, train_test_split

from ..common.errors import LabError
from .guards import COVERAGE_ATTEMPTS, coverage_problem, missing_classes

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
                "the data changed since the split was made, so make a new split with `split --new`"
            )
        return cls(**{part: np.array(sorted(position[s] for s in parts[part]), dtype=int) for part in PARTS})


def check_class_sizes(y: np.ndarray, test: float, tune: float) -> None:
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


GROUPING_FIX = "collect more groups or set data.group_column to null in lab.yaml"


def _grouped_part(y, groups, positions, share, seed, fix=GROUPING_FIX, fold=0):
    """Pick whole groups holding about `share` of `positions`, keeping classes balanced.

    `fold` picks which of the stratified group folds is held (0 = the first; others give other arrangements).
    Returns (kept, held, number of folds).
    """
    n_folds = max(2, int(round(1 / share)))
    n_groups = len(np.unique(groups[positions]))
    if n_groups < n_folds:
        raise LabError(
            f"the data fall into only {n_groups} groups of related samples, too few to keep groups apart in "
            f"train, tune and test; {fix}"
        )
    folds = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    keep, held = next(itertools.islice(folds.split(positions, y[positions], groups[positions]), fold % n_folds, None))
    return positions[keep], positions[held], n_folds


def make_split(y: np.ndarray, groups: np.ndarray | None, train: float, tune: float, seed: int,
               fix: str = GROUPING_FIX, grouping: str = "data.group_column") -> Split:
    """Partition rows into train, tune and test with the fractions from `lab.yaml`.

    `fix` is the advice given when there are too few groups to keep apart; `grouping` names what
    is kept whole, for the message when whole groups cannot give every class a place in every part:
    the first arrangement of whole groups is kept unless a part lacks a class, then others are tried.
    """
    test = 1.0 - train - tune
    check_class_sizes(y, test, tune)
    if groups is None:
        return _stratified(y, tune, test, seed)
    first, positions = None, np.arange(len(y))
    for test_fold in range(COVERAGE_ATTEMPTS):
        rest, test_idx, n_test_folds = _grouped_part(y, groups, positions, test, seed, fix, test_fold)
        if test_fold >= n_test_folds:
            break
        for tune_fold in range(COVERAGE_ATTEMPTS):
            train_idx, tune_idx, n_tune_folds = _grouped_part(y, groups, rest, tune / (1 - test), seed, fix,
                                                              tune_fold)
            if tune_fold >= n_tune_folds:
                break
            split = Split(np.sort(train_idx), np.sort(tune_idx), np.sort(test_idx))
            if not missing_classes(split, y):
                return split
            first = first or split
    raise LabError(coverage_problem(first, y, groups, grouping, fix))


def groups_crossing(split: Split, groups: np.ndarray | None) -> list[str]:
    """Groups found in more than one part — leakage a grouped split must never show."""
    if groups is None:
        return []
    seen = [set(groups[getattr(split, part)]) for part in PARTS]
    return sorted((seen[0] & seen[1]) | (seen[0] & seen[2]) | (seen[1] & seen[2]))


# the persisted split ---------------------------------------------------------------------


def ids_digest(ids) -> str:
    """sha256 of a set of sample ids: names one test set in the project's audit ledger."""
    return hashlib.sha256("\n".join(sorted(map(str, ids))).encode("utf-8")).hexdigest()


def part_of(split: Split, n_rows: int) -> np.ndarray:
    """The part name of every row."""
    labels = np.empty(n_rows, dtype=object)
    for part in PARTS:
        labels[getattr(split, part)] = part
    return labels


def leakage_report(split: Split, ids, groups=None, duplicate_groups=(), near_pairs=()) -> dict:
    """Ids that tie one part of the split to another: shared groups, exact and near duplicates.

    Any entry means the tune or test score partly measures recall of training rows (Tip 7).
    """
    ids = np.asarray(ids)
    where = part_of(split, len(ids))
    duplicates = sorted({str(ids[i]) for group in duplicate_groups if len({where[i] for i in group}) > 1
                         for i in group})
    near = sorted({str(ids[k]) for i, j in near_pairs if where[i] != where[j] for k in (i, j)})
    return {"groups": groups_crossing(split, groups), "duplicates": duplicates, "near_duplicates": near}


def check_leakage(report: dict, data_path: str, command: str) -> None:
    """Stop the run when anything crosses the split, naming the offending ids and the fix."""
    found = [f"{kind.replace('_', ' ')} {', '.join(values[:6])}{' …' if len(values) > 6 else ''}"
             for kind, values in report.items() if values]
    if found:
        raise LabError(
            f"{data_path}: samples cross the train/tune/test split ({'; '.join(found)}); give related rows one "
            "value in a group column and set data.group_column in lab.yaml, or remove the duplicate rows, "
            f"then make a new split with `{command} split --new`"
        )
