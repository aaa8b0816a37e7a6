"""Checks a split must pass before it is kept or reused (Tip 7).

Reused: the inputs that decide labels or groups (the data file, a labels table) must be the
versions the split was made from, by sha256. Kept: every class must reach train, tune and test.

A split that keeps groups (sites, patients, related sequences) whole can leave a class out of
a part when the groups are few: a model never trained on a class, or scored on a tune part
that holds one class, gives numbers that mean nothing. The split step tries a few other
arrangements of whole groups and, when none covers every class, stops with the counts.
"""

from __future__ import annotations

import numpy as np

PARTS = ("train", "tune", "test")
COVERAGE_ATTEMPTS = 10  # stratified group folds tried as the test part, and as the tune part within each


def class_counts(split, y) -> dict[str, dict[str, int]]:
    """{part: {class: samples}} for every class, zeros included."""
    y = np.asarray(y).astype(str)
    classes = sorted(set(y))
    return {part: {c: int((y[getattr(split, part)] == c).sum()) for c in classes} for part in PARTS}


def missing_classes(split, y) -> dict[str, list[str]]:
    """{part: classes it lacks}, only for parts that lack one."""
    counts = class_counts(split, y)
    return {part: [c for c, n in by_class.items() if n == 0] for part, by_class in counts.items()
            if any(n == 0 for n in by_class.values())}


def _counts_text(counts: dict) -> str:
    return "; ".join(f"{part} " + ", ".join(f"'{c}' {n}" for c, n in by_class.items())
                     for part, by_class in counts.items())


def coverage_problem(split, y, groups, grouping: str, fix: str) -> str:
    """The sentence for a grouped split in which some part lacks a class, with counts per class and part."""
    lacking = "; ".join(f"{part} lacks {', '.join(repr(c) for c in classes)}"
                        for part, classes in missing_classes(split, y).items())
    n_groups = len(np.unique(np.asarray(groups).astype(str)))
    return (
        f"the split keeps {grouping} whole, and its {n_groups} groups cannot give every class a place in train, "
        f"tune and test in any arrangement tried ({lacking}; samples per class and part: "
        f"{_counts_text(class_counts(split, y))}); {fix}, or try other fractions (split.train and split.tune in "
        "lab.yaml) — with this few groups, consider judging the model by leaving one group out at a time instead"
    )


def input_fingerprints(cfg, hashes: dict[str, str] | str) -> dict[str, str]:
    """{path: sha256} of every input that decides labels or groups: the data file and any side table.

    `hashes` is what provenance.verify_inputs returned (a bare sha256 stands for data.path alone).
    """
    hashes = {cfg.data.path: hashes} if isinstance(hashes, str) else hashes
    return {path: hashes[path] for path in cfg.input_paths if path in hashes}


def changed_inputs(record: dict, cfg, hashes: dict[str, str] | str) -> list[str]:
    """The inputs whose sha256 differs from (or is absent in) a split record, each as 'path (old → new)'."""
    now = input_fingerprints(cfg, hashes)
    recorded = dict(record.get("inputs_sha256") or {})
    recorded.setdefault(record.get("data_file") or cfg.data.path, record["data_sha256"])
    return [f"{path} (sha256 {recorded[path][:12] + '…' if path in recorded else 'not recorded'} then, "
            f"{sha[:12]}… now)" for path, sha in now.items() if recorded.get(path) != sha]
