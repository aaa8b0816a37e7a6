"""FASTA read as the study's data: labels from `>id|label` headers or the side table `data.labels` (Tip 4)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...data.dataset import Dataset
from ...data.tables import read_table
from .fasta import apply_length_policy, check_alphabet, read_fasta
from .frame import SequenceFrame
from .labels import resolve_labels


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
