"""Notebook 01's datasheet draft (Gebru et al.): what the run can answer itself, and what a person must."""

from __future__ import annotations

from ..modalities.registry import modality_for
from .provenance import MANIFEST, PERSON_MUST_ANSWER, Source


def _by_run(value):
    return {"value": value, "by": "run"}


def _by_person():
    return {"value": None, "by": "person"}


def _recorded(source: Source | None, field: str) -> dict:
    value = getattr(source, field, None) if source is not None else None
    return _by_person() if value in (None, "", PERSON_MUST_ANSWER) else _by_run(value)


def preprocessing_description(cfg) -> str:
    """The preprocessing the models of this modality actually fit, in one sentence."""
    return modality_for(cfg).describe_inputs(cfg)


def datasheet_draft(cfg, source: Source | None, summary: dict, split_record: dict, subjects: dict | None,
                    n_near_pairs: int) -> dict:
    """A datasheet pre-filled with what the run knows; answers only a person can give have value None.

    Sections and questions follow Datasheets for Datasets; `"by": "person"` marks what the
    study's authors must still write.
    """
    missing = summary.get("columns_with_missing", [])
    return {
        "Motivation": {
            "purpose": _by_run(cfg.study.question),
            "creators": _by_person(),
            "funding": _by_person(),
        },
        "Composition": {
            "instances": _by_run(modality_for(cfg).describe_instances(cfg, summary)),
            "count": _by_run(summary["n_rows"]),
            "sample_or_complete": _by_person(),
            "labels": _by_run({"column": cfg.data.target, "classes": summary["class_balance"]}),
            "missing_information": _by_run(
                f"{len(missing)} column(s) with missing values: {', '.join(missing)}" if missing
                else "no missing values"
            ),
            "relationships_between_instances": _by_run(
                f"{subjects['n_samples']} samples in {subjects['n_groups']} groups (column "
                f"'{cfg.data.group_column}')" if subjects else "no group column set; samples treated as independent"
            ),
            "recommended_splits": _by_run({"file": split_record["file"], "sizes": split_record["sizes"],
                                           "settings": split_record["settings"]}),
            "errors_noise_redundancy": _by_run(
                f"{summary['n_duplicate_groups']} group(s) of identical rows, {n_near_pairs} near-duplicate pair(s)"
            ),
            "confidential_or_sensitive": _by_run(
                "marked sensitive in lab.yaml (data.sensitive)" if cfg.data.sensitive
                else "not marked sensitive in lab.yaml"
            ),
            "subpopulations": _by_person(),
            "individuals_identifiable": _by_person(),
        },
        "Collection process": {
            "source": _recorded(source, "source"),
            "accession": _recorded(source, "accession"),
            "how_collected": _by_person(),
            "timeframe": _by_person(),
            "ethical_review": _by_person(),
        },
        "Preprocessing/cleaning/labeling": {
            "preprocessing_in_models": _by_run(preprocessing_description(cfg)),
            "raw_data_kept": _by_run(f"{cfg.data.path} with sha256 {getattr(source, 'sha256', None)}"),
            "labeling": _by_person(),
        },
        "Uses": {
            "task": _by_run(f"{cfg.task} of '{cfg.data.target}'"),
            "other_uses": _by_person(),
            "uses_to_avoid": _by_person(),
        },
        "Distribution": {
            "licence": _recorded(source, "licence"),
            "version": _recorded(source, "version"),
            "retrieved": _recorded(source, "retrieved"),
        },
        "Maintenance": {
            "maintainer": _by_person(),
            "updates": _by_run(
                f"changes are detected by sha256 in {MANIFEST.as_posix()} and accepted with `data accept`; "
                f"{len(getattr(source, 'history', None) or [])} earlier version(s) recorded"
            ),
        },
    }
