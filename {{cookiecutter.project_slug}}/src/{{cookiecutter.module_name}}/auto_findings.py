"""Findings of notebooks 01, 05 and 06 that become ethics-register entries (Tips 7, 9, 10).

A check that finds confounding, a shortcut or memorisation is only useful if somebody must
answer it: each such finding becomes an automatic entry of the register, keyed by the check
(and column or model) so reruns never add it twice, with the numbers that raised it.
"""

import json
from pathlib import Path

from .ethics import Finding

SHORTCUT_AUC = 0.7  # metadata alone predicting the label or the network this well (ROC-AUC) is a shortcut
SHORTCUT_DROP = 0.05  # a tune ROC-AUC that moves this much with the metadata columns relies on them


def confounding_findings(provenance):
    """One finding per metadata column that alone predicts the label (notebook 01)."""
    by_column = (provenance or {}).get("confounding_by_column") or {}
    return [
        Finding(
            f"confounding:{column}",
            f"Possible confounding: metadata column '{column}' alone predicts the label (chance-adjusted balanced "
            f"accuracy {result['adjusted_balanced_accuracy']:.2f}, threshold {result['threshold']:g})",
            "validity",
            True,
        )
        for column, result in sorted(by_column.items())
        if isinstance(result, dict) and result.get("flagged")
    ]


def memorisation_findings(overfitting):
    """A finalist no better than its refits on shuffled labels (notebook 05): its score is not signal."""
    controls = (overfitting or {}).get("shuffled_labels") or {}
    found = []
    for family, control in sorted(controls.items()):
        if not (isinstance(control, dict) and control.get("flagged")):
            continue
        null = control.get("null") or []
        reached = sum(1 for v in null if v >= control["observed"])
        found.append(Finding(
            f"shuffled-labels:{family}",
            f"{family} is no better than refits on shuffled labels: tune ROC-AUC {control['observed']:.3f}, reached by "
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
    alone = (shortcut.get("label_from_metadata") or {}).get("roc_auc_mean")
    if alone is not None and alone >= SHORTCUT_AUC:
        found.append(Finding("shortcut:label", f"Shortcut: the metadata columns ({columns}) alone predict the label "
                             f"(cross-validated ROC-AUC {alone:.2f} on training rows)", "validity", True))
    follows = (shortcut.get("predictions_from_metadata") or {}).get("roc_auc_mean")
    if follows is not None and follows >= SHORTCUT_AUC:
        found.append(Finding("shortcut:predictions", f"Shortcut: the metadata columns ({columns}) predict the "
                             f"network's own predictions (cross-validated ROC-AUC {follows:.2f})", "validity", True))
    leaning = {family: c for family, c in (shortcut.get("score_drop_without_metadata") or {}).items()
               if isinstance(c, dict) and c.get("drop") is not None and abs(c["drop"]) >= SHORTCUT_DROP}
    if leaning:
        detail = "; ".join(f"{family} {c['with']:.3f} with, {c['without']:.3f} without"
                           for family, c in leaning.items())
        found.append(Finding("shortcut:score", f"Shortcut: tune ROC-AUC changes with the metadata columns ({columns}) "
                             f"as inputs ({detail})", "validity", True))
    found += _surrogate_findings(interpretation.get("surrogate") or {}, metadata_columns)
    found += _saliency_findings(interpretation.get("saliency") or {})
    return found


def _saliency_findings(saliency):
    """Images: network attribution piled on the border or background, beyond the threshold (06)."""
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
                    f"column(s) {', '.join(used)} (fidelity {surrogate.get('fidelity_tune', float('nan')):.0%} "
                    "on tune)", "validity", True)]


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
