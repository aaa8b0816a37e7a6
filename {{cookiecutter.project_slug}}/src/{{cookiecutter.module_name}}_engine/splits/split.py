"""Train / tune / test split, stratified by class and kept whole by group (Tip 7).

The split is made once and kept under `data/splits/<data file>.json` with the sha256 of the
data it was made from and the settings it was made with. Later runs reuse it and refuse to
go on if the data or the settings changed: a new test set is made only on purpose
(`split --new`). A leakage report lists groups and duplicates that cross the parts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..common.errors import LabError
from ..common.files import read_json, write_json
from ..modalities.registry import modality_for
from ..tasks.registry import task_for
from .guards import changed_inputs, input_fingerprints
from .making import GROUPING_FIX, Split, ids_digest, make_split

SPLITS_DIR = Path("data") / "splits"


def grouping_label(cfg) -> str:
    """What a split keeps whole, in the words of lab.yaml."""
    homology = modality_for(cfg).keeps_related_together(cfg)
    column = f"data.group_column '{cfg.data.group_column}'" if cfg.data.group_column else None
    if homology and column:
        return f"{column} together with {modality_for(cfg).related_words}"
    return column or modality_for(cfg).related_words


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
    settings.update(task_for(cfg).split_settings(cfg))  # classification adds none, so older records stay valid
    settings.update(modality_for(cfg).split_settings(cfg))  # e.g. how related sequences were found
    return settings


# related sequences (Tip 7) -----------------------------------------------------------------
def homology_groups(cfg, data) -> np.ndarray | None:
    """Cluster ids of related sequences (identity at or above `sequence.homology.min_identity`).

    None for tables and for `homology.method: none`.
    """
    if not homology_used(cfg):
        return None
    return modality_for(cfg).related_clusters(cfg, data.X)


def grouping_fix(cfg) -> str:
    """The advice when the groups to keep apart are too few."""
    return modality_for(cfg).related_fix if homology_used(cfg) else GROUPING_FIX


def homology_used(cfg) -> bool:
    """True when related sequences are clustered and kept on one side of the split."""
    return modality_for(cfg).keeps_related_together(cfg)


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
    """What the task records of the strata the split kept even (regression: the target's quantile bins)."""
    return {} if y is None else task_for(cfg).split_record(cfg, y)


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


