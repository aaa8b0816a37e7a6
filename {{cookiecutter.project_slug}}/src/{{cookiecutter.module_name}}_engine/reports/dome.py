"""The DOME report (Walsh et al. 2021): 21 fields on data, optimisation, model and evaluation.

Each field the run can answer is filled from its artifacts; the parts only a person knows are
marked. The completeness score counts a field as filled only when the run answered all of it
(no part left for a person); "na", "unknown" and "not stated" count as empty, as in the DOME registry.
"""

from __future__ import annotations

from ..modalities.sequence.relatedness import identity_sentence
from ..tasks.regression.report import conformal_lines, conformal_table
from .documents import Document, Field, Section, answer, completeness, family_name, fmt, label
from .findings import (
    NETWORK,
    importance_tables,
    indistinguishable_lines,
    motif_sentence,
    paired_sentence,
    saved_description,
    saved_models_table,
    saved_network_sentence,
    shuffled_sentences,
    stopping_sentence,
)
from .runfacts import RunFacts
from .summaries import (
    budget_sentence,
    class_sentence,
    comparison_rows,
    comparison_table,
    encoding_sentence,
    gap_sentence,
    homology_facts,
    interpretation_sentence,
    leakage_lines,
    metric_sentence,
    redundancy_sentence,
    source_lines,
    split_sentence,
    split_table,
    test_sentence,
    test_table,
)
from .words import family_words, report_view

# (id, section, title, required) in the order of the DOME recommendations.
FIELDS = (
    ("dataset/provenance", "Data", "Provenance", True),
    ("dataset/splits", "Data", "Dataset splits", True),
    ("dataset/redundancy", "Data", "Redundancy between splits", True),
    ("dataset/availability", "Data", "Availability of data", True),
    ("optimization/algorithm", "Optimization", "Algorithm", True),
    ("optimization/meta", "Optimization", "Meta-predictions", True),
    ("optimization/encoding", "Optimization", "Data encoding", False),
    ("optimization/parameters", "Optimization", "Parameters", False),
    ("optimization/features", "Optimization", "Features", False),
    ("optimization/fitting", "Optimization", "Fitting", False),
    ("optimization/regularization", "Optimization", "Regularization", True),
    ("optimization/config", "Optimization", "Availability of configuration", False),
    ("model/interpretability", "Model", "Interpretability", False),
    ("model/output", "Model", "Output", True),
    ("model/duration", "Model", "Execution time", False),
    ("model/availability", "Model", "Availability of software", True),
    ("evaluation/method", "Evaluation", "Evaluation method", True),
    ("evaluation/measure", "Evaluation", "Performance measures", True),
    ("evaluation/comparison", "Evaluation", "Comparison", True),
    ("evaluation/confidence", "Evaluation", "Confidence", False),
    ("evaluation/availability", "Evaluation", "Availability of evaluation", False),
)
STANDARD = "DOME recommendations for supervised machine learning in biology (Walsh et al. 2021, Nature Methods)"


def _provenance(f: RunFacts):
    return [*source_lines(f), class_sentence(f)], (
        "say whether these data have been used before by the community (publications, benchmarks)")


def _splits(f: RunFacts):
    return [split_sentence(f), split_table(f)], None


def _redundancy(f: RunFacts):
    if not f.split_sizes:
        return [], None
    homology = identity_sentence(homology_facts(f)) or redundancy_sentence(f)
    if homology:
        return [leakage_lines(f), homology], None
    return [leakage_lines(f)], (
        "for sequences or related samples, state the identity threshold that keeps parts independent")


def _availability(f: RunFacts):
    licences = sorted({str(e["licence"]) for e in f.sources if e.get("licence")})
    where = sorted({str(e["accession"]) for e in f.sources if e.get("accession")})
    data = None
    if f.sources:
        data = f"Data: {', '.join(where) or 'see data/manifest.yaml'}; licence {', '.join(licences) or 'not recorded'}."
    split = "The split (sample ids per part) is kept with the run in artifacts/split.json" + (
        f" and in {f.split_record['file']}." if f.split_record.get("file") else ".") if f.split_record else None
    return [data, split], "say whether the data and split are public, and where"


def _algorithm(f: RunFacts):
    rows = comparison_rows(f)
    if not rows:
        return [], None
    families = ", ".join(family_words(f, r["family"]) for r in rows)
    best = f" After equal tuning, {label(f.best_family)} scored best on the tune part." if f.best_family else ""
    return [f"Model families compared under one tuning budget: {families}.{best}", saved_network_sentence(f)], None


def _meta(f: RunFacts):
    if not f.tuning_results:
        return [], None
    return ["No. Every model learns from the input features alone; none takes another model's predictions as "
            "input, and the test part plays no role in training, tuning or choosing a model."], None


def _encoding(f: RunFacts):
    return [encoding_sentence(f)], None


def _parameters(f: RunFacts):
    saved = saved_description(f, NETWORK)
    lines = []
    if saved.get("trainable_parameters") is not None:
        lines.append(f"The saved network has p = {saved['trainable_parameters']} trainable parameters "
                     f"({saved.get('layers')}).")
    lines.append(saved_models_table(f))
    if f.tuning_results:
        lines.append("Hyperparameters were chosen by search on the tune part: " + (budget_sentence(f) or ""))
        lines.append(comparison_table(f))
    return lines, None


def _features(f: RunFacts):
    if not f.n_features:
        return [], None
    return [f"f = {f.n_features} input features; all are used (no feature selection), so nothing about the "
            "features was chosen by looking at tune or test data."], None


def _fitting(f: RunFacts):
    checks = f.architecture
    p, n = saved_description(f, NETWORK).get("trainable_parameters"), f.split_sizes.get("train")
    lines = []
    if p is not None and n:
        relation = "p is larger than N" if p > n else "p is smaller than N"
        lines.append(f"Saved network: p = {p}, N = {n} training samples ({relation}).")
    lines.append(stopping_sentence(f))
    if f.n_features and f.n_features > 100:
        lines.append(f"f = {f.n_features} > 100 features.")
    gaps = gap_sentence(f)
    if gaps:
        lines.append(f"Overfitting was checked by the train–tune gap of every tuned model: {gaps}")
    if checks.get("initial_loss_ok") is not None:
        lines.append("Underfitting: the starting network's training loss (notebook 03) "
                     f"fell from {fmt(checks.get('initial_loss'))} to {fmt(checks.get('final_train_loss'))}.")
    return lines, None


def _regularization(f: RunFacts):
    lines = [stopping_sentence(f)]
    tuned = {fam: r.get("best_params") for fam, r in f.tuning_results.items() if r.get("best_params")}
    if tuned:
        lines.append("Regularisation (dropout and weight decay, C, tree depth and leaf size) was tuned with the "
                     "other settings; best values per family:")
        lines.append([f"{family_words(f, fam)}: {fmt(params)}" for fam, params in sorted(tuned.items())])
    return lines, None


def _config(f: RunFacts):
    if not f.manifest:
        return [], None
    lines = ["Settings: lab.yaml, copied into run.json with the package versions; every tuning trial: "
             "artifacts/04_tuning.json." if f.tuning_results else "Settings: lab.yaml, copied into run.json."]
    if f.model_files:
        lines.append("Fitted models: " + ", ".join(str(m.get("file")) for _, m in sorted(f.model_files.items())) + ".")
    if f.licence:
        lines.append(f"Licence of the code: {f.licence}.")
    return lines, "say where the configuration and model files are published"


def _interpretability(f: RunFacts):
    tables = [block for caption, found in importance_tables(f, top=5) for block in (f"{caption}:", found)]
    return [interpretation_sentence(f), *indistinguishable_lines(f), *tables, motif_sentence(f), f.cautions], None


def _output(f: RunFacts):
    task = f.parameters.get("task")
    if not task:
        return [], None
    return report_view(f).output(f), None


def _duration(f: RunFacts):
    return [], "give the time one representative prediction takes, and on which hardware"


def _software(f: RunFacts):
    licence = f"; licence {f.licence}" if f.licence else ""
    return [f"Code: the Python package '{f.command}' with the eight notebooks of this project; exact versions "
            f"in constraints.txt; the whole study reruns with `{f.command} run`{licence}."], (
        "give the address of the public repository or container")


def _method(f: RunFacts):
    if not f.split_sizes:
        return [], None
    lines = [f"Independent held-out parts: models are tuned and chosen on the tune part ({f.split_sizes.get('tune')} "
             f"samples), not by cross-validation."]
    if f.test:
        lines.append(f"The test part ({f.test.get('n', f.split_sizes.get('test'))} samples) was opened once, "
                     "through a logged gate, for the final estimate.")
    else:
        lines.append("The test part has not been opened in this run.")
    return lines, None


def _measure(f: RunFacts):
    return [metric_sentence(f)], "say whether these measures are the ones the field's literature reports"


def _comparison(f: RunFacts):
    baselines = sorted(f.baselines)
    lines = []
    if baselines:
        prior = report_view(f).prior_words
        lines.append(f"Against simpler baselines on the same parts: {', '.join(family_words(f, b) for b in baselines)} "
                     f"({prior}).")
    if f.tuning_results:
        lines.append(budget_sentence(f))
    return lines, "compare with published methods on the same data, where there are any"


def _confidence(f: RunFacts):
    if not f.test:
        return [], "report confidence intervals of the final scores (the test evaluation of notebook 05)"
    conformal = [*conformal_lines(f, family_name), conformal_table(f, family_name)] if f.conformal else []
    return [test_sentence(f), test_table(f), paired_sentence(f), *conformal, *shuffled_sentences(f)], None


def _eval_availability(f: RunFacts):
    if not f.artifacts:
        return [], None
    return ["Raw evaluation results: the JSON files in artifacts/ of this run folder (scores of every model on "
            "every part, every tuning trial), with run.json."], "say where the run folder is published"


FILLERS = {
    "dataset/provenance": _provenance, "dataset/splits": _splits, "dataset/redundancy": _redundancy,
    "dataset/availability": _availability, "optimization/algorithm": _algorithm, "optimization/meta": _meta,
    "optimization/encoding": _encoding, "optimization/parameters": _parameters,
    "optimization/features": _features, "optimization/fitting": _fitting,
    "optimization/regularization": _regularization, "optimization/config": _config,
    "model/interpretability": _interpretability, "model/output": _output, "model/duration": _duration,
    "model/availability": _software, "evaluation/method": _method, "evaluation/measure": _measure,
    "evaluation/comparison": _comparison, "evaluation/confidence": _confidence,
    "evaluation/availability": _eval_availability,
}  # fmt: skip


def dome_fields(facts: RunFacts) -> list[Field]:
    fields = []
    for key, _, title, required in FIELDS:
        content, person = FILLERS[key](facts)
        fields.append(answer(title, *content, person=person, key=key, required=required))
    return fields


def dome_document(facts: RunFacts) -> Document:
    fields = dome_fields(facts)
    sections = []
    for name in dict.fromkeys(section for _, section, _, _ in FIELDS):
        keys = {key for key, section, _, _ in FIELDS if section == name}
        sections.append(Section(name, tuple(f for f in fields if f.key in keys)))
    score = completeness(Document("", "", tuple(sections)))
    intro = (f"{STANDARD}, for run {facts.run_name} of {facts.title}. Completeness — {score.sentence}. A field "
             "counts as filled by the run only when the run's artifacts answer all of it; fields marked \"to be "
             "completed by a person\" need an answer only the authors can give.")
    return Document(f"DOME report — {facts.title}", intro, tuple(sections))


def dome_json(document: Document, run_name: str) -> dict:
    """The DOME report keyed by field id, with the completeness score."""
    fields = document.fields
    result = {
        f.key: {
            "title": f.name,
            "section": next(s.title for s in document.sections if f in s.fields),
            "required": f.required,
            "value": f.plain,
            "filled": f.by_run,
            "has_run_content": f.filled,
            "to_be_completed_by_a_person": f.person if f.person or f.filled else "answer this field",
        }
        for f in fields
    }
    score = completeness(document)
    result["completeness"] = {
        "filled": score.by_run,
        "left_for_person": score.for_person,
        "total": score.total,
        "score": f"{score.by_run}/{score.total}",
        "sentence": score.sentence,
        "empty": [f.key for f in fields if not f.filled],
        "for_person": [f.key for f in fields if not f.by_run],
    }
    result["run"] = run_name
    result["standard"] = STANDARD
    return result
