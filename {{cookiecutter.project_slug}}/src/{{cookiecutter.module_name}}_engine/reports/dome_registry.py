"""The DOME report as a DOME Registry entry: schema 2.0.0 field names and types, checked on writing.

The registry takes entries as JSON with typed sub-fields (flags as true/false, counts as numbers,
lists as arrays) under data / optimization / model / evaluation. The run fills what it knows;
a flag it cannot know is null and a text it cannot know is empty, for a person to complete in
the registry. The schema (CC BY 4.0, see schemas/README.md) travels with the module, so the
check works offline.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .documents import Document, fmt, label
from .runfacts import RunFacts
from .summaries import gap_sentence

SCHEMA_VERSION = "2.0.0"
SCHEMA_FILE = Path(__file__).with_name("schemas") / f"dome-registry-schema-{SCHEMA_VERSION}.json"
REGISTRY_JSON = "dome-registry.json"
SECTIONS = ("data", "optimization", "model", "evaluation")
# Tuned settings that regularise, by the name the search space gives them.
REGULARISERS = {
    "dropout": "dropout", "weight_decay": "L2 weight decay", "C": "inverse regularisation strength C",
    "max_depth": "maximum tree depth", "min_samples_leaf": "minimum samples per leaf",
}  # fmt: skip


@lru_cache(maxsize=1)
def registry_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _text(fields: dict, key: str) -> str:
    field = fields.get(key)
    return (field.plain or "") if field is not None else ""


def _authors(facts: RunFacts) -> str:
    names = []
    for author in facts.authors:
        name = author.get("name") or " ".join(str(author[k]) for k in ("given-names", "family-names") if author.get(k))
        if name:
            names.append(str(name))
    return ", ".join(names)


def _data(facts: RunFacts, fields: dict) -> dict:
    sizes = facts.split_sizes
    licences = sorted({str(e["licence"]) for e in facts.sources if e.get("licence")})
    where = sorted({str(e["accession"]) for e in facts.sources if e.get("accession")})
    independent = (not facts.leakage) if sizes else None
    return {
        "availability": {"isPub": None, "licence": ", ".join(licences), "enfMeth": ", ".join(where)},
        "provenance": {"source": _text(fields, "dataset/provenance"), "numDP": facts.n_samples, "prevUse": None},
        "redundancy": {"splitMeth": _text(fields, "dataset/splits"), "isIndep": independent,
                       "enfMeth": _text(fields, "dataset/redundancy"), "distCmp": ""},
        "splits": {"numSplits": len(sizes) or None, "dpPerSplit": [sizes[p] for p in ("train", "tune", "test")
                                                                   if isinstance(sizes.get(p), int | float)],
                   "otherSplits": "", "splitDist": _text(fields, "dataset/splits")},
    }


def _regularisers(facts: RunFacts) -> list[str]:
    tuned = {key for result in facts.tuning_results.values() for key in (result.get("best_params") or {})}
    return sorted({name for key, name in REGULARISERS.items() if key in tuned})


def _underfitting(checks: dict) -> str:
    start, end = checks.get("initial_loss"), checks.get("final_train_loss")
    if start is None or end is None:
        return ""
    return f"The network's training loss fell from {fmt(start)} to {fmt(end)}."


def _optimization(facts: RunFacts, fields: dict) -> dict:
    checks = facts.architecture
    p, n = checks.get("parameters"), checks.get("training_samples")
    techniques = _regularisers(facts)
    tuned = bool(facts.tuning_results)
    return {
        "algorithm": {"algName": _text(fields, "optimization/algorithm"), "isNewAlg": False if tuned else None,
                      "unpubRsn": ""},
        "config": {"cfgAvail": True if facts.manifest else None, "lic": facts.licence or ""},
        "encoding": {"encMeth": _text(fields, "optimization/encoding")},
        "features": {"numF": facts.n_features, "featSel": False if facts.n_features else None, "trnOnlySel": None},
        "fit": {"pGtN": (p > n) if isinstance(p, int) and n else None, "noOverFit": gap_sentence(facts) or "",
                "noUnderFit": _underfitting(checks)},
        "meta": {"isMeta": False if tuned else None, "metaMeths": [], "metaIndep": None},
        "parameters": {"numP": p if isinstance(p, int) else None, "pSelMeth": _text(fields, "optimization/parameters")},
        "regularisation": {"hasReg": True if techniques else None, "regTechs": techniques},
    }


def _model(facts: RunFacts, fields: dict) -> dict:
    explained = facts.interpretation
    return {
        "availability": {"srcAvail": None, "exeAvail": None, "lic": facts.licence or ""},
        "duration": {"runTime": _text(fields, "model/duration")},
        "interpretability": {"interpType": "post-hoc explainable" if explained else "",
                             "transpEx": _text(fields, "model/interpretability")},
        "output": {"outType": _text(fields, "model/output")},
    }


def _evaluation(facts: RunFacts, fields: dict) -> dict:
    metrics = []
    for result in facts.test_models.values():
        metrics += [label(m) for m in (result.get("metrics") or {}) if label(m) not in metrics]
    has_ci = any(isinstance(v, dict) and v.get("low") is not None
                 for r in facts.test_models.values() for v in (r.get("metrics") or {}).values())
    return {
        "method": {"evalMeth": _text(fields, "evaluation/method")},
        "availability": {"rawAvail": None, "lic": ""},
        "comparison": {"cmpPub": None, "cmpBase": True if facts.baselines else None},
        "confidance": {"hasCI": has_ci if facts.test else None,
                       "isStatSig": True if facts.test.get("paired") else None},
        "measure": {"metrics": metrics, "isRep": None},
    }


def registry_entry(facts: RunFacts, dome: Document) -> dict:
    """The run's DOME answers in the registry's field names and types (schema 2.0.0)."""
    fields = {f.key: f for f in dome.fields}
    return {
        "publication": {"title": facts.title, "authors": _authors(facts), "journal": "", "year": "", "doi": "",
                        "pmid": "", "pmcid": "", "tags": []},
        "data": _data(facts, fields),
        "optimization": _optimization(facts, fields),
        "model": _model(facts, fields),
        "evaluation": _evaluation(facts, fields),
        "tags": [str(facts.parameters[k]) for k in ("modality", "task") if facts.parameters.get(k)],
    }


def _has_value(value) -> bool:
    return value not in (None, "", [], {})


def answered(entry: dict) -> tuple[int, int]:
    """(DOME fields with at least one value, all DOME fields) across the four sections."""
    groups = [sub for section in SECTIONS for sub in (entry.get(section) or {}).values() if isinstance(sub, dict)]
    return sum(any(_has_value(v) for v in sub.values()) for sub in groups), len(groups)


def validation_errors(entry: dict) -> list[str]:
    """Every way the entry breaks the registry schema, as 'path: message' lines (empty when valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(registry_schema())
    errors = sorted(validator.iter_errors(entry), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors]
