"""What the study found, in sentences built from the run's numbers: the verdict and its pieces.

Shared by the index page, the model card and the DOME report, so each finding is worded once.
Every function reads RunFacts only and returns a sentence, a list of sentences or a Table, or
None / [] when the run did not record what it needs.
"""

from __future__ import annotations

from ..common.names import NETWORK
from ..tasks.regression.report import better_sign, conformal_lines, network_wins, regression_paired_text, shortcut_words
from .documents import Table, family_name, fmt, label, table
from .runfacts import RunFacts
from .sentences import paired_text, shuffled_sentence
from .words import report_view

SHORTCUT_AUC = 0.7  # metadata-alone ROC-AUC at which notebook 06 cautions of a shortcut (interpret.py)
SHORTCUT_R2 = 0.3  # metadata-alone R² of a numeric target at which it does (regression_interpret.py)


# the saved models ------------------------------------------------------------------------
def saved_description(facts: RunFacts, family: str) -> dict:
    """How notebook 05 described the saved model of a family (models/index.json), or {}."""
    entry = facts.model_files.get(family) or {}
    description = entry.get("description")
    return description if isinstance(description, dict) else {}


def saved_network_sentence(facts: RunFacts) -> str | None:
    """The network that was evaluated on test and saved: layers, parameters, settings, epochs."""
    d = saved_description(facts, NETWORK)
    if not d:
        return None
    settings = {k: v for k, v in (d.get("settings") or {}).items() if k != "epochs"}
    file = (facts.model_files.get(NETWORK) or {}).get("file")
    epochs = (f"trained for {d['epochs_trained']} epochs" if d.get("epochs_trained") is not None else "")
    return (f"The saved network ({file}) is a {d.get('kind')}: {d.get('layers')}; "
            f"{d.get('trainable_parameters')} trainable parameters; {epochs}; tuned settings {fmt(settings)}.")


def saved_models_table(facts: RunFacts) -> Table | None:
    """Every saved model with its kind, trainable parameters, epochs and tuned settings."""
    rows = []
    for family in sorted(facts.model_files):
        d = saved_description(facts, family)
        if d:
            rows.append([family_name(family), d.get("kind"), d.get("trainable_parameters"), d.get("epochs_trained"),
                         fmt({k: v for k, v in (d.get("settings") or {}).items()})])
    return table(["saved model", "kind", "trainable parameters", "epochs trained", "settings"], rows)


def stopping_sentence(facts: RunFacts) -> str | None:
    """How the network's epochs were chosen, from notebook 04's record and the saved network."""
    record = facts.tuning.get("early_stopping")
    saved = saved_description(facts, NETWORK)
    if not isinstance(record, dict) and not saved:
        return None
    bits = []
    if isinstance(record, dict):
        bits.append(f"Early stopping was used in {record.get('used_in')}: training stopped after "
                    f"{record.get('patience')} epochs without a lower {record.get('monitor')}, and the best epoch "
                    "was kept.")
    if saved.get("early_stopping"):
        bits.append(f"The saved network was trained with early stopping and ran {saved.get('epochs_trained')} "
                    "epochs.")
    elif saved:
        bits.append(f"The saved network was refitted on the training split for a fixed {saved.get('epochs_trained')} "
                    "epochs (with early stopping off), the best epoch its tuning found.")
    return " ".join(bits)


# the test result -------------------------------------------------------------------------
def paired_sentence(facts: RunFacts) -> str | None:
    """The paired test comparison as a sentence: who won, by how much, with its interval."""
    p = facts.test.get("paired")
    if isinstance(p, dict) and isinstance(p.get("metrics"), dict):  # regression: the whole panel, paired
        return regression_paired_text(p, facts.score_name, family_name)
    if not isinstance(p, dict) or p.get("difference") is None:
        return None
    return paired_text(p, facts.score_name)


def prevalence_sentence(facts: RunFacts) -> str | None:
    """What a model that knows nothing scores on the test split, in the task's terms.

    For classes, the share PR-AUC is read against; for a number, the test targets' mean and spread.
    """
    return report_view(facts).prevalence(facts)


def shuffled_sentences(facts: RunFacts) -> list[str]:
    """Each finalist against its shuffled-label refits, with the smallest p-value those refits allow."""
    controls = facts.overfitting.get("shuffled_labels") or {}
    shuffled = report_view(facts).shuffled
    return [shuffled_sentence(family, c, shuffled) for family, c in sorted(controls.items())
            if isinstance(c, dict) and c.get("observed") is not None]


def shortcut_sentence(facts: RunFacts) -> str | None:
    """What the shortcut check of notebook 06 found, in one sentence."""
    shortcut = facts.interpretation.get("shortcut")
    if not isinstance(shortcut, dict):
        return None
    columns = shortcut.get("columns") or []
    if not columns:
        return "The shortcut check had nothing to test: no metadata columns are declared (data.metadata_columns)."
    alone = shortcut.get("label_from_metadata") if isinstance(shortcut.get("label_from_metadata"), dict) else {}
    name, auc = shortcut_words(alone)
    limit = SHORTCUT_R2 if name == "R²" else SHORTCUT_AUC
    if auc is None:
        return f"The shortcut check could not score the metadata columns ({fmt(columns)}) on their own."
    reading = ("they could stand in for the biology (a shortcut)" if auc >= limit else
               f"below the {limit} at which notebook 06 raises a shortcut caution")
    drops = shortcut.get("score_drop_without_metadata") or {}
    drop = "; ".join(f"{family_name(k)} loses {fmt(v.get('drop'))} without them" for k, v in sorted(drops.items())
                     if isinstance(v, dict) and v.get("drop") is not None)
    return (f"Metadata columns ({fmt(columns)}) alone predict the {'target' if name == 'R²' else 'label'} with "
            f"cross-validated {name} {fmt(auc)}: "
            f"{reading}" + (f"; {drop}." if drop else "."))


def motif_sentence(facts: RunFacts) -> str | None:
    """The motif-recovery result as a number: Pearson against the planted motif, across seeds."""
    motif = facts.interpretation.get("motif")
    if not isinstance(motif, dict):
        return None
    match = motif.get("match") if isinstance(motif.get("match"), dict) else None
    if not match or match.get("pearson") is None:
        return "No planted motif is known for these data; the recovered motif must be compared with known ones."
    seeds = [v for v in (motif.get("pearson_by_seed") or {}).values() if isinstance(v, int | float)]
    spread = f" (from {fmt(min(seeds))} to {fmt(max(seeds))} across {len(seeds)} seeds)" if len(seeds) > 1 else ""
    return (f"The motif recovered from the network's attributions matches the planted motif with Pearson "
            f"r = {fmt(match['pearson'])}{spread}.")


def indistinguishable_lines(facts: RunFacts) -> list[str]:
    """Per model and method: how many inputs have an importance interval reaching zero."""
    found = facts.interpretation.get("indistinguishable_from_zero")
    if not isinstance(found, dict):
        return []
    total = len(facts.interpretation.get("importance") or []) or None
    lines = []
    for panel, names in sorted(found.items()):
        model, _, method = str(panel).partition(" · ")
        of = f" of {total}" if total else ""
        lines.append(f"{family_name(model)[0].upper()}{family_name(model)[1:]}, {method or 'importance'}: "
                     f"{len(names or [])}{of} inputs are indistinguishable from zero.")
    return lines


# the verdict ------------------------------------------------------------------------------
def test_winner(facts: RunFacts) -> tuple[str, float] | None:
    """The finalist with the best primary test score, and that score."""
    metric = facts.score_name
    scores = {}
    for family, result in facts.test_models.items():
        value = ((result.get("metrics") or {}).get(metric) or {})
        value = value.get("value") if isinstance(value, dict) else value
        if isinstance(value, int | float):
            scores[family] = float(value)
    if not scores:
        return None
    best = sorted(scores, key=lambda f: (-better_sign(metric) * scores[f], f))[0]  # RMSE, MAE: lowest wins
    return best, scores[best]


def verdict_lines(facts: RunFacts) -> list[str]:
    """The answer in a few sentences: who won on test, by how much, the controls, what is unsupported."""
    lines = []
    winner = test_winner(facts)
    if winner is None:
        return ["No verdict yet: the test split has not been opened in this run (notebook 05 opens it once)."]
    family, score = winner
    n = facts.test.get("n")
    lines.append(f"Best on the held-back test split{f' ({n} samples)' if n else ''}: {family_name(family)}, "
                 f"{label(facts.score_name)} {fmt(score)}.")
    paired = paired_sentence(facts)
    if paired:
        lines.append(paired)
    paired_record = facts.test.get("paired") or {}
    if isinstance(paired_record, dict) and isinstance(paired_record.get("metrics"), dict):
        lines += _regression_verdict(paired_record, facts)
    elif isinstance(paired_record, dict) and NETWORK in (paired_record.get("model_a"), paired_record.get("model_b")):
        other = paired_record["model_b"] if paired_record.get("model_a") == NETWORK else paired_record.get("model_a")
        diff = paired_record.get("difference", 0) * (1 if paired_record.get("model_a") == NETWORK else -1)
        if paired_record.get("excludes_zero"):
            word = "beat" if diff > 0 else "did worse than"
            lines.append(f"So the network {word} the best tuned classical model ({family_name(other)}) on this test.")
        else:
            lines.append(f"So this run does not show that the network beats the best tuned classical model "
                         f"({family_name(other)}); the simpler model is enough here unless another reason favours "
                         "the network.")
    lines += shuffled_sentences(facts)
    lines += conformal_lines(facts, family_name)
    shortcut = shortcut_sentence(facts)
    if shortcut:
        lines.append(shortcut)
    motif = motif_sentence(facts)
    if motif and facts.interpretation.get("motif"):
        lines.append(motif)
    if facts.overfitting.get("test_reopened"):
        lines.append("The test split was opened more than once, so these test scores are optimistic.")
    return lines


def _regression_verdict(paired: dict, facts: RunFacts) -> list[str]:
    other = paired.get("model_b") if paired.get("model_a") == NETWORK else paired.get("model_a")
    wins = network_wins(paired, facts.score_name)
    if wins is None:
        return [f"So this run does not show that the network beats the best tuned classical model "
                f"({family_name(other)}); the simpler model is enough here unless another reason favours the network."]
    return [f"So the network {'beat' if wins else 'did worse than'} the best tuned classical model "
            f"({family_name(other)}) on this test."]


# interpretation --------------------------------------------------------------------------
def importance_tables(facts: RunFacts, top: int = 10) -> list[tuple[str, Table]]:
    """Each importance table under the name of the model and method that made it, with its unit."""
    info = facts.interpretation
    found = []
    for family, rows in sorted((info.get("permutation") or {}).items()):
        unit = report_view(facts).importance_unit(facts)
        caption = (f"Permutation importance of {family_name(family)}: drop in tune {unit} when "
                   "the input is shuffled (mean of the repeats, with its interval)")
        found.append((caption, _importance(rows, top)))
    gradients = info.get("integrated_gradients") if isinstance(info.get("integrated_gradients"), dict) else {}
    if gradients.get("importance"):
        unit = gradients.get("summary") or "attribution"
        scale = report_view(facts).attribution_scale
        found.append((f"Integrated-gradients attributions of the network ({unit}; {scale})",
                      _importance(gradients["importance"], top)))
    if not found and info.get("importance"):
        found.append((f"{str(info.get('method') or 'importance').capitalize()} of "
                      f"{family_name(info.get('model'))}", _importance(info["importance"], top)))
    return [(caption, t) for caption, t in found if t is not None]


def _importance(rows, top: int) -> Table | None:
    rows = [r for r in rows or [] if isinstance(r, dict)][:top]
    return table(["input", "importance", "95% interval"],
                 [[r.get("feature"), r.get("importance_mean"), f"{fmt(r.get('ci_low'))} to {fmt(r.get('ci_high'))}"]
                  for r in rows])


# subgroups -------------------------------------------------------------------------------
def subgroup_table(facts: RunFacts) -> Table | None:
    """Notebook 07's subgroup results as a small table: model, column, group, samples and scores."""
    subgroups = facts.ethics.get("subgroups")
    rows = subgroups.get("table") if isinstance(subgroups, dict) else None
    if not rows:
        return None
    records = [r for r in rows if isinstance(r, dict)]
    skip = {"subgroup", "column", "group", "model", "family"}
    metrics = [k for k in records[0] if k not in skip] if records else []
    first = [k for k in ("model", "family", "subgroup", "column", "group") if records and k in records[0]]
    return table([label(k) for k in first + metrics], [[r.get(k) for k in first + metrics] for r in records])


def subgroup_sentence(facts: RunFacts) -> str | None:
    """Which columns defined the subgroups, on which split, and the largest gap."""
    subgroups = facts.ethics.get("subgroups")
    if not isinstance(subgroups, dict) or not subgroups.get("columns"):
        return None
    metric = label(str(subgroups.get("metric_for_gaps") or "balanced_accuracy"))
    gaps = [g for g in _gap_records(subgroups.get("gaps")) if g.get("gap") is not None]
    largest = max(gaps, key=lambda g: g["gap"]) if gaps else None
    share = (f", {fmt(largest['relative_gap'])} of the overall MAE" if largest and
             largest.get("relative_gap") is not None else "")
    gap = (f"; the largest gap in {metric} between groups is {fmt(largest['gap'])}{share} ({largest.get('worst')} "
           f"against {largest.get('best')})" if largest else "")
    return (f"Subgroups by {fmt(subgroups['columns'])}, evaluated on the {subgroups.get('split', 'tune')} "
            f"split{gap}.")


def _gap_records(value) -> list[dict]:
    """Every {gap, worst, best} record inside notebook 07's (possibly nested) gaps mapping."""
    if isinstance(value, dict):
        if "gap" in value:
            return [value]
        return [g for item in value.values() for g in _gap_records(item)]
    return []
