"""FASTA read as the study's data: labels from `>id|label` headers or the side table `data.labels` (Tip 4)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ...common.errors import LabError
from ...data.dataset import Dataset
from ...data.tables import read_table
from .fasta import _examples, apply_length_policy, check_alphabet, read_fasta
from .frame import SequenceFrame


def sequence_places(ids) -> list[str]:
    """How each sequence is named in messages."""
    return [f"sequence '{seq_id}'" for seq_id in ids]


def sequence_parts(cfg, root: Path):
    """FASTA records (alphabet checked), labels, groups and the side table's other columns in FASTA order."""
    records = read_fasta(Path(root) / cfg.data.path, cfg.data.path)
    check_alphabet(records, cfg.sequence.alphabet, cfg.data.path)
    table = read_table(Path(root) / cfg.data.labels, cfg.data.labels) if cfg.data.labels else None
    labels, groups, extra = resolve_labels(
        records, table, id_column=cfg.data.id_column or "id", target=cfg.data.target,
        group_column=cfg.data.group_column, fasta_label=cfg.data.path, table_label=cfg.data.labels or "",
    )
    return records, labels, groups, extra


def load_sequences(cfg, root: Path, task) -> Dataset:
    """Read a FASTA file (labels in its headers or in the side table `data.labels`) as a Dataset.

    X is a SequenceFrame with one column, "sequence", after the length policy of `lab.yaml`
    (`sequence.length_policy`, `sequence.length`); that policy is kept in `sequence_info`.
    """
    records, labels, groups, _ = sequence_parts(cfg, root)
    ids = np.array([record.id for record in records])
    sequences, info = apply_length_policy(
        ids, [record.sequence for record in records], cfg.sequence.length_policy, cfg.sequence.length, cfg.data.path
    )
    X = SequenceFrame.of(sequences, cfg.sequence.alphabet, info["length"], cfg.sequence.kmer)
    source = cfg.data.labels or cfg.data.path
    y = task.target(labels, source, cfg.data.target, sequence_places(ids))
    return Dataset(X=X, y=y, ids=ids, groups=groups, classes=task.classes(y, cfg.data.positive_class, source),
                   source=cfg.data.path, sequence_info=info)


def sequence_table(cfg, root: Path):
    """The side table `data.labels` aligned to the FASTA order (no columns when labels come from the headers)."""
    _, _, _, extra = sequence_parts(cfg, root)
    return extra.reset_index(drop=True), cfg.data.labels or cfg.data.path


def _cells_as_text(values: pd.Series) -> list[str | None]:
    """Table cells as text, None where empty; whole-number floats lose their '.0' (1.0 -> '1')."""
    present = values.dropna()
    if pd.api.types.is_float_dtype(values) and (present == present.round()).all():
        values = values.astype("Int64")
    return [None if pd.isna(v) or not str(v).strip() else str(v).strip() for v in values.astype(object)]


def _table_ids(table: pd.DataFrame, id_column: str, table_label: str) -> list[str]:
    ids = _cells_as_text(table[id_column])
    blank = [row + 2 for row, value in enumerate(ids) if value is None]
    if blank:
        raise LabError(
            f"{table_label} has an empty '{id_column}' cell (lab.yaml field data.id_column) on line(s) "
            f"{_examples(blank)}; fill in the ids or delete those rows"
        )
    repeated = [value for value, n in Counter(ids).items() if n > 1]
    if repeated:
        raise LabError(
            f"{table_label} lists sequence ids more than once in column '{id_column}': {_examples(repeated)}; "
            "keep one row per id"
        )
    return ids


def _table_labels(table, ids, *, id_column, target, group_column, table_label):
    """The table's labels (None where an id is not listed) and its rows, both aligned to the FASTA ids."""
    from ...data.columns import require_column

    for column, field in ((id_column, "data.id_column"), (target, "data.target"), (group_column, "data.group_column")):
        if column is not None:
            require_column(table, column, field, table_label)
    listed_ids = _table_ids(table, id_column, table_label)
    aligned = table.set_axis(listed_ids, axis=0).reindex(ids)
    listed = np.isin(ids, listed_ids)
    labels = _cells_as_text(aligned[target])
    blank = [seq_id for seq_id, value, known in zip(ids, labels, listed, strict=True) if known and value is None]
    if blank:
        raise LabError(
            f"{table_label} has an empty '{target}' cell (lab.yaml field data.target) for sequence ids "
            f"{_examples(blank)}; fill in their labels or delete those rows"
        )
    return labels, aligned


def _table_groups(aligned: pd.DataFrame, ids, group_column: str, table_label: str) -> np.ndarray:
    groups = _cells_as_text(aligned[group_column])
    missing = [seq_id for seq_id, group in zip(ids, groups, strict=True) if group is None]
    if missing:
        raise LabError(
            f"{table_label} gives no group in column '{group_column}' (lab.yaml field data.group_column) for "
            f"sequence ids {_examples(missing)}; add them to the table with their group"
        )
    return np.asarray(groups, dtype=str)


def _merge_labels(ids, header, table, fasta_label: str, table_label: str | None) -> np.ndarray:
    """One label per id from the header or the table; both must agree where both are given."""
    clash = [f"{i} (header {h!r}, table {t!r})" for i, h, t in zip(ids, header, table, strict=True)
             if h is not None and t is not None and h != t]
    if clash:
        raise LabError(
            f"the headers of {fasta_label} and {table_label} give different labels for sequences "
            f"{_examples(clash)}; make them agree or drop one source"
        )
    merged = [h if h is not None else t for h, t in zip(header, table, strict=True)]
    if all(value is None for value in merged):
        raise LabError(
            f"{fasta_label} has no labels: its headers are not written >id|label and lab.yaml names no label table; "
            "add >id|label headers or set data.labels in lab.yaml"
        )
    missing = [seq_id for seq_id, value in zip(ids, merged, strict=True) if value is None]
    if missing:
        where = f"in its headers or in {table_label}" if table_label else "in its headers"
        raise LabError(
            f"sequence ids of {fasta_label} have no label {where}: {_examples(missing)}; "
            "add them to the table or to the headers"
        )
    return np.asarray(merged, dtype=str)


def resolve_labels(records, table: pd.DataFrame | None, *, id_column: str, target: str,
                   group_column: str | None, fasta_label: str, table_label: str
                   ) -> tuple[np.ndarray, np.ndarray | None, pd.DataFrame]:
    """Labels (and groups) for each FASTA record, from `>id|label` headers, a side table, or both.

    Returns labels and groups in FASTA order, plus the table's other columns aligned to that order
    (a frame with no columns when there is no table). Table rows for ids not in the FASTA are ignored.
    """
    ids = [r.id for r in records]
    header = [r.header_label for r in records]
    if table is None:
        if group_column is not None:
            raise LabError(
                f"lab.yaml field 'data.group_column' is {group_column!r} but {fasta_label} has no label table to "
                "read groups from; set data.labels to a table with that column or set data.group_column: null"
            )
        labels = _merge_labels(ids, header, [None] * len(ids), fasta_label, None)
        return labels, None, pd.DataFrame(index=range(len(ids)))
    from_table, aligned = _table_labels(table, ids, id_column=id_column, target=target,
                                        group_column=group_column, table_label=table_label)
    labels = _merge_labels(ids, header, from_table, fasta_label, table_label)
    groups = _table_groups(aligned, ids, group_column, table_label) if group_column else None
    used = [c for c in (id_column, target, group_column) if c is not None]
    return labels, groups, aligned.drop(columns=used).reset_index(drop=True)
