"""Findings of notebooks 01, 05 and 06 that become ethics-register entries (Tips 7, 9, 10).

A check that finds confounding, a shortcut or memorisation is only useful if somebody must
answer it: each such finding becomes an automatic entry of the register, keyed by the check
(and column or model) so reruns never add it twice, with the numbers that raised it.
"""

import json
from pathlib import Path

from .register import Finding

SHORTCUT_AUC = 0.7  # metadata alone predicting the label or the network this well (ROC-AUC) is a shortcut
SHORTCUT_DROP = 0.05  # a tune ROC-AUC that moves this much with the metadata columns relies on them
SHORTCUT_R2 = 0.3  # metadata alone explaining this share of a numeric target (or of the network) is a shortcut


def _metadata_score(result):
    """(name, value, limit) of a metadata-predictability result: ROC-AUC for classes, R² for a number."""
    result = result or {}
    if result.get("r2_mean") is not None:
        return "R²", result["r2_mean"], SHORTCUT_R2
    return "ROC-AUC", result.get("roc_auc_mean"), SHORTCUT_AUC


def _confounding_text(result):
    """What a column alone predicts and how well: the label (balanced accuracy) or the target (R²)."""
    if result.get("adjusted_balanced_accuracy") is not None:
        return f"the label (chance-adjusted balanced accuracy {result['adjusted_balanced_accuracy']:.2f}"
    score = next((result[k] for k in ("cv_r2", "r2", "r2_mean") if result.get(k) is not None), None)
    return "the target (" + (f"cross-validated R² {score:.2f}" if score is not None else "flagged")


def confounding_findings(provenance):
    """One finding per metadata column that alone predicts the label (notebook 01)."""
    by_column = (provenance or {}).get("confounding_by_column") or {}
    return [
        Finding(
            f"confounding:{column}",
            f"Possible confounding: metadata column '{column}' alone predicts {_confounding_text(result)}, "
            f"threshold {result.get('threshold', float('nan')):g})",
            "validity",
            True,
        )
        for column, result in sorted(by_column.items())
        if isinstance(result, dict) and result.get("flagged")
    ]


def memorisation_findings(overfitting):
    """A finalist no better than its refits on shuffled labels (notebook 05): its score is not signal."""
    overfitting = overfitting or {}
    controls = overfitting.get("shuffled_labels") or overfitting.get("shuffled_targets") or {}
    score = _SCORE_NAMES.get(str(overfitting.get("score") or "roc_auc"), str(overfitting.get("score")))
    found = []
    for family, control in sorted(controls.items()):
        if not (isinstance(control, dict) and control.get("flagged")):
            continue
        null = control.get("null") or []
        reached = sum(1 for v in null if v >= control["observed"])
        found.append(Finding(
            f"shuffled-labels:{family}",
            f"{family} is no better than refits on shuffled labels: tune {score} {control['observed']:.3f}, reached by "
            f"{reached} of {len(null)} shuffled refits (best {max(null, default=float('nan')):.3f}, "
            f"p = {control.get('p_value', float('nan')):.3f}); its score may be memorisation, not signal",
            "validity",
            True,
        ))
    return found


def shortcut_findings(interpretation, metadata_columns=()):
    """Metadata that predict the label or the network, scores that lean on them, surrogate rules that use them (06)."""
    interpretation = interpretation or {}
    shortcut = interpretation.get("shortcut") or {}
    columns = ", ".join(shortcut.get("columns") or [])
    found = []
    name, alone, limit = _metadata_score(shortcut.get("label_from_metadata"))
    if alone is not None and alone >= limit:
        found.append(Finding("shortcut:label", f"Shortcut: the metadata columns ({columns}) alone predict the label "
                             f"(cross-validated {name} {alone:.2f} on training rows)", "validity", True))
    name, follows, limit = _metadata_score(shortcut.get("predictions_from_metadata"))
    if follows is not None and follows >= limit:
        found.append(Finding("shortcut:predictions", f"Shortcut: the metadata columns ({columns}) predict the "
                             f"network's own predictions (cross-validated {name} {follows:.2f})", "validity", True))
    score = "R²" if (shortcut.get("label_from_metadata") or {}).get("r2_mean") is not None else "ROC-AUC"
    leaning = {family: c for family, c in (shortcut.get("score_drop_without_metadata") or {}).items()
               if isinstance(c, dict) and c.get("drop") is not None and abs(c["drop"]) >= SHORTCUT_DROP}
    if leaning:
        detail = "; ".join(f"{family} {c['with']:.3f} with, {c['without']:.3f} without"
                           for family, c in leaning.items())
        found.append(Finding("shortcut:score", f"Shortcut: tune {score} changes with the metadata columns ({columns}) "
                             f"as inputs ({detail})", "validity", True))
    found += _surrogate_findings(interpretation.get("surrogate") or {}, metadata_columns)
    found += _saliency_findings(interpretation.get("saliency") or {})
    return found


def _saliency_findings(saliency):
    """Images: attribution piled on the border or background, or answers that follow a swapped background (06)."""
    return _region_findings(saliency) + _swap_findings(saliency.get("background_swap") or {})


def _swap_findings(swap):
    if not swap.get("flagged"):
        return []
    return [Finding("saliency:background_swap", f"Shortcut: the image network reads the background: another "
                    f"{swap['grouped_by']}'s background moves its answers {swap['shift_other_group']:.3f} against "
                    f"{swap['shift_same_group']:.3f} for the image's own {swap['grouped_by']}'s ({swap['unit']})",
                    "validity", True)]


def _region_findings(saliency):
    shares = saliency.get("shortcut") or {}
    regions = [r for r in ("border", "background") if (shares.get(r) or {}).get("flagged")]
    if not regions:
        return []
    detail = "; ".join(f"{r} {shares[r]['attribution_share']:.0%} of attribution on {shares[r]['pixel_share']:.0%} "
                       f"of pixels" for r in regions)
    where = " and ".join(regions)
    return [Finding("saliency:regions", f"Shortcut: the image network's attributions lean on the {where} "
                    f"({detail}), not on the cells", "validity", True)]


def _surrogate_findings(surrogate, metadata_columns):
    rules = str(surrogate.get("rules") or "")
    used = sorted(c for c in metadata_columns if f"|--- {c} " in rules or f"|--- {c}_" in rules)
    if not used:
        return []
    return [Finding("surrogate:metadata", f"Shortcut: the surrogate tree of the network splits on metadata "
                    f"column(s) {', '.join(used)} (fidelity {_fidelity(surrogate)} on tune)", "validity", True)]


def _fidelity(surrogate):
    value = surrogate.get("fidelity_tune")
    if value is None:
        return "unknown"
    return f"R² {value:.2f}" if surrogate.get("fidelity_measure") == "r2" else f"{value:.0%}"


_SCORE_NAMES = {"roc_auc": "ROC-AUC", "r2": "R²", "rmse": "RMSE", "mae": "MAE", "spearman": "Spearman",
                "neg_rmse": "−RMSE", "neg_mae": "−MAE"}


def run_findings(run_dir, metadata_columns=()):
    """Every finding above, read from a run folder's artifacts (a missing artifact gives none)."""
    artifacts = Path(run_dir) / "artifacts"

    def read(name):
        path = artifacts / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    return [
        *confounding_findings(read("01_data_provenance")),
        *memorisation_findings(read("05_overfitting")),
        *shortcut_findings(read("06_interpretation"), metadata_columns),
    ]
