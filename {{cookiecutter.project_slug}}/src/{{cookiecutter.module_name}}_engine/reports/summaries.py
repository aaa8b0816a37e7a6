"""Tables and sentences about one run, shared by the index page, model card, DOME report and datasheet.

Each function reads RunFacts only and returns a Table, a sentence or a list of sentences, or
None when the run did not record what it needs, so every report says the same thing the same way.
"""

from __future__ import annotations

from .documents import Table, fmt, interval, label, table
from .runfacts import PARTS, RunFacts


def source_lines(facts: RunFacts) -> list[str]:
    """One sentence per input file: what it is, where it came from, its version and licence."""
    lines = []
    for entry in facts.sources:
        bits = [entry.get("description") or entry.get("path") or "input file"]
        for key, name in (("source", "source"), ("accession", "accession"), ("version", "version"),
                          ("retrieved", "retrieved"), ("licence", "licence")):
            if entry.get(key):
                bits.append(f"{name}: {entry[key]}")
        lines.append("; ".join(str(b).strip().rstrip(".") for b in bits) + ".")
    return lines


def class_sentence(facts: RunFacts) -> str | None:
    """'569 samples: benign 357, malignant 212 (scores are reported for malignant).'

    For a numeric target: the samples and the target's mean, spread and range instead.
    """
    from .words import report_view

    numeric = report_view(facts).target_summary(facts)
    if numeric:
        return numeric
    counts = facts.class_counts
    if not counts:
        return None
    total = facts.n_samples or sum(v for v in counts.values() if isinstance(v, int))
    parts = ", ".join(f"{name} {count}" for name, count in counts.items())
    positive = f" (scores are reported for '{facts.positive_class}')" if facts.positive_class else ""
    features = f" and {facts.n_features} input features" if facts.n_features else ""
    return f"{total} samples{features}; per class: {parts}{positive}."


def split_table(facts: RunFacts) -> Table | None:
    """Samples per class in each part of the split, with totals."""
    by_part, sizes = facts.split_classes, facts.split_sizes
    if not sizes:
        return None
    classes = sorted({c for counts in by_part.values() for c in counts})
    rows = [[part, *[by_part.get(part, {}).get(c) for c in classes], sizes.get(part)] for part in PARTS
            if part in sizes]
    return table(["part", *classes, "total"], rows)


def homology_facts(facts: RunFacts) -> dict:
    """Notebook 01's report on related sequences across the split ({} for tables)."""
    homology = facts.art("01_data_provenance").get("homology")
    return homology if isinstance(homology, dict) else {}


def redundancy_sentence(facts: RunFacts) -> str | None:
    """For sequences: the similarity threshold that keeps parts independent, and the closest pair found."""
    homology = homology_facts(facts)
    if not homology:
        return None
    mine = (homology.get("this_split") or {}).get("test_to_train") or {}
    plain = (homology.get("random_split") or {}).get("test_to_train") or {}
    rule = (f"Related sequences are those whose {homology.get('similarity')} reaches {fmt(homology.get('threshold'))}; "
            f"{homology.get('n_clusters')} clusters were formed (largest {homology.get('largest_cluster')}).")
    if homology.get("method") == "none":
        rule += " The split did not keep clusters together (sequence.homology.method: none)."
    return (f"{rule} The closest test sequence to any training sequence has similarity {fmt(mine.get('max'))} "
            f"({mine.get('n_related', 0)} test sequences at or above the threshold); a plain random split would "
            f"have had {plain.get('n_related', 0)}, up to {fmt(plain.get('max'))}.")


def split_sentence(facts: RunFacts) -> str | None:
    """How the split was made: fractions, stratification, groups, seed and where it is kept."""
    sizes = facts.split_sizes
    if not sizes:
        return None
    fractions = facts.parameters.get("split") or {}
    group = (facts.parameters.get("data") or {}).get("group_column")
    kept = f", keeping every '{group}' group within one part" if group else " (no group column: samples stand alone)"
    homology = homology_facts(facts)
    if homology and homology.get("method") != "none":
        kept = (f", keeping every cluster of related sequences ({homology.get('similarity')} ≥ "
                f"{fmt(homology['threshold'])}) "
                "within one part") + (f" together with every '{group}' group" if group else "")
    from .words import report_view

    how = f"at random, {report_view(facts).stratification(facts)}" + kept
    seed = facts.split_record.get("seed", facts.parameters.get("seed"))
    shares = ""
    if fractions.get("train") and fractions.get("tune"):
        shares = f" (fractions train {fmt(fractions['train'])}, tune {fmt(fractions['tune'])}, test the rest)"
    where = f"; the sample ids of each part are kept in {facts.split_record.get('file')}" if (
        facts.split_record.get("file")) else "; the sample ids of each part are kept in artifacts/split.json"
    counts = ", ".join(f"{part} {n}" for part, n in sizes.items())
    return (f"Samples were assigned {how}{shares}, with seed {seed}: {counts}. The tune part is the separate "
            f"validation set used for tuning and model choice; the test part is held back for one final look{where}.")


def encoding_sentence(facts: RunFacts) -> str | None:
    """How the input columns become numbers, and on which part that is learned."""
    summary = facts.summary
    if not summary:
        return None
    sequences = facts.art("01_data_provenance").get("sequences")
    if isinstance(sequences, dict):
        policy = facts.art("01_data_provenance").get("sequence_length_policy") or {}
        k = (facts.parameters.get("sequence") or {}).get("kmer")
        changed = (f"; {policy.get('n_padded', 0)} sequences were padded and {policy.get('n_trimmed', 0)} trimmed"
                   if policy else "")
        return (f"Sequences ({sequences.get('alphabet')}) are brought to {sequences.get('fixed_length')} letters "
                f"(length policy '{policy.get('policy')}'{changed}). The classical models read standardised "
                f"frequencies of {f'{k}-letter words ({k}-mers)' if k else 'k-mers'}; the network reads one-hot "
                "letters in order. Scaling is fitted on the training part only, inside each model's pipeline; no "
                "imputation or category coding is involved.")
    numeric = len(summary.get("numeric_columns") or [])
    categorical = len(summary.get("categorical_columns") or [])
    return (f"{numeric} numeric columns are imputed with the training median and standardised; {categorical} "
            "categorical columns are imputed with the most frequent training value and one-hot encoded. "
            "Both steps are fitted on the training part only, inside each model's pipeline.")


def leakage_lines(facts: RunFacts) -> list[str]:
    """What the leakage and redundancy checks found between parts."""
    lines = []
    leakage = facts.leakage
    if leakage:
        for check, ids in sorted(leakage.items()):
            shown = ", ".join(str(i) for i in ids[:5]) + (" …" if len(ids) > 5 else "")
            lines.append(f"{label(check)}: {len(ids)} crossing parts ({shown}).")
    elif facts.split_sizes:
        lines.append("No group or sample crosses parts of the split.")
    duplicates = facts.summary.get("n_duplicate_groups")
    if duplicates is not None:
        lines.append(f"Groups of identical rows in the data: {duplicates}.")
    lines += [w.get("message", "") for w in facts.data_warnings
              if w.get("check") in ("duplicates", "near_duplicates", "repeated_subjects", "leakage")]
    return [line for line in lines if line]


def comparison_rows(facts: RunFacts) -> list[dict]:
    """Every tuned family with its best tune score and trials, best first (ties by name)."""
    rows = []
    for family, result in facts.tuning_results.items():
        rows.append({
            "family": family,
            "best_score": result.get("best_score"),
            "n_trials": result.get("n_trials", len(result.get("trials") or [])),
            "best_params": result.get("best_params") or {},
            "best": family == facts.best_family,
        })
    return sorted(rows, key=lambda r: (-(r["best_score"] if isinstance(r["best_score"], int | float) else -1),
                                       r["family"]))


def comparison_table(facts: RunFacts) -> Table | None:
    score = label(facts.score_name)
    from .words import family_words

    rows = [[family_words(facts, r["family"]) + (" (best)" if r["best"] else ""), r["best_score"], r["n_trials"],
             r["best_params"]]
            for r in comparison_rows(facts)]
    return table(["model family", f"best tune {score}", "trials", "best settings"], rows)


def budget_sentence(facts: RunFacts) -> str | None:
    tuning = facts.tuning
    if not facts.tuning_results:
        return None
    trials = sorted({r["n_trials"] for r in comparison_rows(facts)})
    equal = tuning.get("equal_budgets")
    if equal is None:
        equal = len(trials) == 1
    same = (f"Every family had the same budget of {trials[0]} trials" if equal
            else f"Budgets were NOT equal across families ({', '.join(map(str, trials))} trials)")
    strategy = f" ({tuning['strategy']})" if tuning.get("strategy") else ""
    rows = tuning.get("training_rows_per_trial") or {}
    if rows.get("subsampled"):
        return (f"{same}{strategy}, every trial fitted on the same stratified subsample of {rows['rows']:,} of the "
                f"{rows['of']:,} training rows (seed {rows['seed']}) and scored on the same tune part.")
    return f"{same}{strategy}, on the same training and tune parts."


def gap_table(facts: RunFacts) -> Table | None:
    from .words import family_words

    rows = [[family_words(facts, family), g.get("train"), g.get("tune"), g.get("gap"),
             "FLAGGED" if g.get("flagged") else "ok"] for family, g in sorted(facts.gaps.items())]
    score = label(facts.score_name)
    return table(["model family", f"train {score}", f"tune {score}", "gap", "overfitting"], rows)


def gap_sentence(facts: RunFacts) -> str | None:
    if not facts.gaps:
        return None
    threshold = facts.overfitting.get("threshold")
    flagged = facts.flagged
    limit = f" above {fmt(threshold)}" if threshold is not None else ""
    if flagged:
        from .words import family_words

        return f"Flagged for a train–tune gap{limit}: {', '.join(family_words(facts, f) for f in flagged)}."
    return f"No model family shows a train–tune gap{limit}."


def test_metric_names(facts: RunFacts) -> list[str]:
    from .words import report_view

    names = []
    for result in facts.test_models.values():
        for metric in (result.get("metrics") or {}):
            if metric not in names:
                names.append(metric)
    order = report_view(facts).metric_order  # e.g. R², RMSE, MAE, Pearson, Spearman, whatever order the JSON kept
    if order:
        names.sort(key=lambda m: order.index(m) if m in order else len(order))
    return names


def test_table(facts: RunFacts) -> Table | None:
    """The single look at the test split: each metric with its interval, per model."""
    from .words import family_words

    metrics = test_metric_names(facts)
    rows = []
    for family, result in sorted(facts.test_models.items()):
        values = result.get("metrics") or {}
        cells = [interval(values[m]) if isinstance(values.get(m), dict) else fmt(values.get(m)) for m in metrics]
        rows.append([family_words(facts, family), *cells])
    return table(["model", *[label(m) for m in metrics]], rows)


def test_sentence(facts: RunFacts) -> str | None:
    test = facts.test
    if not test:
        return None
    level = test.get("level") or test.get("confidence")
    if isinstance(level, float) and level < 1:
        level = round(level * 100, 1)
    kind = f"{fmt(level)}% intervals" if level else "intervals"
    n = f" of {test['n']} samples" if test.get("n") is not None else ""
    openings = facts.overfitting.get("test_openings")
    opened = f" It was opened {openings} time(s) in this run" if openings is not None else ""
    reopened = "; it HAD BEEN OPENED BEFORE, so these numbers are no longer an unbiased estimate" if (
        facts.overfitting.get("test_reopened")) else ""
    return f"Scores on the held-back test split{n}, with {kind} in brackets.{opened}{reopened}."


def metric_sentence(facts: RunFacts) -> str | None:
    """Which measures the run reports, the primary one first."""
    names = list(test_metric_names(facts))
    for row in facts.baselines.values():
        for key in row if isinstance(row, dict) else []:
            metric = key.removeprefix("tune_")
            if key.startswith("tune_") and metric not in ("n_samples", "prevalence", "score") and metric not in names:
                names.append(metric)
    if not names:
        return None
    primary = facts.score_name
    ordered = [primary] + [n for n in names if n != primary]
    prevalence = next((r.get("tune_prevalence") for r in facts.baselines.values() if isinstance(r, dict)
                       and r.get("tune_prevalence") is not None), None)
    against = f"; PR-AUC is read against the prevalence of the positive class ({fmt(prevalence)})" if prevalence else ""
    others = ", ".join(label(n) for n in ordered[1:])
    return f"{label(primary)} ranks and tunes models; the panel also reports {others}{against}."


def interpretation_sentence(facts: RunFacts) -> str | None:
    info = facts.interpretation
    if not info:
        return None
    method = info.get("method") or "attribution"
    model = f" of {label(info['model'])}" if info.get("model") else ""
    repeats = f", {info['repeats']} repeats" if info.get("repeats") else ""
    return f"Inputs{model} ranked by {method}{repeats}."


def entries_table(entries: list[dict], blocking: list[str]) -> Table | None:
    rows = [[e.get("id"), e.get("title"), e.get("category"), e.get("owner"), e.get("opened"),
             "yes" if e.get("id") in blocking or (e.get("blocks_release") and e.get("status") == "open") else "no"]
            for e in entries]
    return table(["id", "concern", "category", "owner", "opened", "blocks release"], rows)


def network_sentence(facts: RunFacts) -> str | None:
    checks = facts.architecture
    if not checks:
        return None
    p, n = checks.get("parameters"), checks.get("training_samples")
    per = checks.get("parameters_per_sample")
    loss = ("started at the expected loss" if checks.get("initial_loss_ok")
            else "did NOT start at the expected loss" if checks.get("initial_loss_ok") is False else "")
    bits = [f"{p} trainable parameters" if p is not None else "",
            f"{fmt(per)} per training sample ({n} samples)" if per is not None else "",
            f"initial loss {fmt(checks.get('initial_loss'))} vs {fmt(checks.get('expected_initial_loss'))}: {loss}"
            if loss else ""]
    kind = facts.art("03_architecture").get("architecture") or "network"
    shape = f"The untuned starting network of notebook 03 ({kind}, before tuning; the saved, tuned one is described "\
            "with the test result)"
    return f"{shape}: " + "; ".join(b for b in bits if b) + "."


def paired_lines(facts: RunFacts) -> list[str]:
    """The paired test comparison as one sentence in a list (findings.paired_sentence words it)."""
    from .findings import paired_sentence

    sentence = paired_sentence(facts)
    return [sentence] if sentence else []


def importance_table(facts: RunFacts, top: int = 10) -> Table | None:
    """The first importance table of the run (findings.importance_tables names each by its method)."""
    from .findings import importance_tables

    found = importance_tables(facts, top)
    return found[0][1] if found else None
