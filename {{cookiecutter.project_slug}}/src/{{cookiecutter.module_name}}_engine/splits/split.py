"""Train / tune / test split, stratified by class and kept whole by group (Tip 7).

The split is made once and kept under `data/splits/<data file>.json` with the sha256 of the
data it was made from and the settings it was made with. Later runs reuse it and refuse to
go on if the data or the settings changed: a new test set is made only on purpose
(`split --new`). A leakage report lists groups and duplicates that cross the parts.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold, train_test_split

from ..common.errors import LabError
from ..common.files import read_json, write_json
from .guards import (
    COVERAGE_ATTEMPTS,
    changed_inputs,
    coverage_problem,
    grouping_label,
    input_fingerprints,
    missing_classes,
)

PARTS = ("train", "tune", "test")
SPLITS_DIR = Path("data") / "splits"


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


GROUPING_FIX = "collect more groups or set data.group_column to null in lab.yaml"
HOMOLOGY_FIX = ("raise sequence.homology.min_identity in lab.yaml so fewer sequences count as related, "
                "or collect more unrelated sequences")


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
    _check_class_sizes(y, test, tune)
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
def split_file(data_path: str) -> Path:
    """Where the split of one data file is kept, relative to the project folder."""
    return SPLITS_DIR / f"{Path(data_path).stem}.json"


def split_settings(cfg) -> dict:
    """The lab.yaml settings a split depends on; any change to them means another test set."""
    settings = {
        "target": cfg.data.target,
        "labels": cfg.data.labels,
        "id_column": cfg.data.id_column,
        "group_column": cfg.data.group_column,
        "train": cfg.split.train,
        "tune": cfg.split.tune,
        "test": cfg.split.test,
        "seed": cfg.split_seed,
    }
    if cfg.task == "regression":  # classification records keep their keys, so existing splits stay valid
        settings.update(task=cfg.task, target_bins=cfg.split.target_bins)
    if cfg.modality == "sequence":
        from ..modalities.sequence.homology import settings as homology_settings

        settings["homology"] = homology_settings(cfg.sequence.homology, cfg.sequence.alphabet)
    return settings


# related sequences (Tip 7) -----------------------------------------------------------------
def homology_groups(cfg, data) -> np.ndarray | None:
    """Cluster ids of related sequences (identity at or above `sequence.homology.min_identity`).

    None for tables and for `homology.method: none`.
    """
    if not homology_used(cfg):
        return None
    from ..modalities.sequence.homology import homology_groups as clusters

    return clusters(cfg, data.X["sequence"])


def grouping_fix(cfg) -> str:
    """The advice when the groups to keep apart are too few."""
    return HOMOLOGY_FIX if homology_used(cfg) else GROUPING_FIX


def homology_used(cfg) -> bool:
    """True when related sequences are clustered and kept on one side of the split."""
    return cfg.modality == "sequence" and cfg.sequence.homology.method != "none"


def split_groups(cfg, data) -> np.ndarray | None:
    """What must stay on one side of the split: `data.group_column`, homology clusters, or both joined.

    Joined means linked: two samples sharing a group or a cluster end up in one unit.
    """
    clusters = homology_groups(cfg, data)
    if clusters is None:
        return data.groups
    if data.groups is None:
        return np.array([f"cluster-{c}" for c in clusters])
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    _, group_codes = np.unique(data.groups, return_inverse=True)
    n, n_clusters = len(clusters), int(clusters.max()) + 1
    rows = np.concatenate([np.arange(n), np.arange(n)])
    cols = np.concatenate([n + clusters, n + n_clusters + group_codes])
    size = n + n_clusters + int(group_codes.max()) + 1
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size))
    _, units = connected_components(graph, directed=False)
    return np.array([f"unit-{u}" for u in units[:n]])


def ids_digest(ids) -> str:
    """sha256 of a set of sample ids: names one test set in the project's audit ledger."""
    return hashlib.sha256("\n".join(sorted(map(str, ids))).encode("utf-8")).hexdigest()


def read_split_record(root: Path, cfg) -> dict | None:
    """The persisted split of `data.path`, or None when none has been made yet."""
    path = root / split_file(cfg.data.path)
    return read_json(path) if path.is_file() else None


def check_split_record(record: dict | None, cfg, data_sha256: dict[str, str] | str, command: str) -> None:
    """Refuse a persisted split made from other inputs or with other settings, in one sentence.

    `data_sha256` is {path: sha256} of every input (provenance.verify_inputs); each input that
    decides labels or groups (FASTA, labels table, data file) must match its recorded hash.
    """
    if record is None:
        return
    where, fix = split_file(cfg.data.path).as_posix(), f"`{command} split --new` (this changes the test set)"
    changed = changed_inputs(record, cfg, data_sha256)
    if changed:
        raise LabError(
            f"{where} was made from another version of {' and '.join(changed)}, which decide(s) the labels or "
            f"groups; restore that version, or make a new split deliberately with {fix}"
        )
    now = split_settings(cfg)
    changed = [f"{key} {record['settings'].get(key)!r} → {now[key]!r}" for key in now
               if record["settings"].get(key) != now[key]]
    if changed:
        raise LabError(
            f"{where} was made with other settings than lab.yaml now gives ({'; '.join(changed)}); set them "
            f"back in lab.yaml, or make a new split deliberately with {fix}"
        )


def _strata_record(cfg, y) -> dict:
    """Regression: {"stratified_on": the target's quantile bins the split kept even, or why none}."""
    if cfg.task != "regression" or y is None:
        return {}
    from ..tasks.regression.bins import stratification_record

    return {"stratified_on": stratification_record(y, cfg.split.target_bins)}


def make_record(split: Split, ids, cfg, data_sha256: dict[str, str] | str, previous: dict | None = None,
                y=None) -> dict:
    """The persisted form of a split: input hashes, settings, sizes, test-set digest and parts by id."""
    inputs = input_fingerprints(cfg, data_sha256)
    history = list((previous or {}).get("previous", []))
    if previous:
        history.append({key: previous[key] for key in ("data_sha256", "inputs_sha256", "settings", "test_sha256")
                        if key in previous})
    return {
        "file": split_file(cfg.data.path).as_posix(),
        "data_file": cfg.data.path,
        "data_sha256": inputs[cfg.data.path],
        "inputs_sha256": inputs,
        "settings": split_settings(cfg),
        "seed": cfg.split_seed,
        "sizes": split.sizes(),
        **_strata_record(cfg, y),
        "test_sha256": ids_digest(np.asarray(ids)[split.test]),
        "parts": split.to_dict(np.asarray(ids)),
        "previous": history,
    }


def _make(cfg, data) -> Split:
    from ..tasks.registry import task_for

    strata = task_for(cfg).stratify_labels(data.y, cfg.split.target_bins)  # classes, or quantile bins of the target
    return make_split(strata, split_groups(cfg, data), cfg.split.train, cfg.split.tune, cfg.split_seed,
                      grouping_fix(cfg), grouping_label(cfg))



def load_or_make_split(cfg, root: Path, data, data_sha256: dict[str, str] | str,
                       command: str) -> tuple[Split, dict, bool]:
    """The project's split of this data: reused when recorded, else made now (not yet saved).

    `data_sha256` is {path: sha256} of every input. Returns (split, record, is_new); save a new
    record with `save_split_record` once it passed the leakage check, so a leaking split is never kept.
    """
    record = read_split_record(root, cfg)
    check_split_record(record, cfg, data_sha256, command)
    if record is not None:
        return Split.from_dict(record["parts"], data.ids), record, False
    split = _make(cfg, data)
    return split, make_record(split, data.ids, cfg, data_sha256, y=data.y), True


def save_split_record(root: Path, record: dict) -> Path:
    """Write the split file atomically under data/splits/."""
    return write_json(root / record["file"], record)


def new_split(cfg, root: Path, data, data_sha256: dict[str, str] | str) -> dict:
    """Make and save a new split on purpose, keeping the old one's hashes and settings under 'previous'."""
    split = _make(cfg, data)
    record = make_record(split, data.ids, cfg, data_sha256, previous=read_split_record(root, cfg), y=data.y)
    save_split_record(root, record)
    return record


# leakage -----------------------------------------------------------------------------------
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
