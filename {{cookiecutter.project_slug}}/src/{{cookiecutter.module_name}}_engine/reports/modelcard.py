"""The model card (Mitchell et al. 2019): nine sections filled from the run's artifacts.

What the run measured is written in; what only the authors know (intended users, risks,
the paper) is marked for a person to complete.
"""

from __future__ import annotations

from ..tasks.regression.report import conformal_lines, conformal_table
from .documents import Document, Figure, Section, answer, completeness, family_name, fmt, label
from .findings import (
    paired_sentence,
    prevalence_sentence,
    saved_models_table,
    saved_network_sentence,
    shuffled_sentences,
    stopping_sentence,
    subgroup_sentence,
    subgroup_table,
    verdict_lines,
)
from .runfacts import RunFacts
from .summaries import (
    class_sentence,
    comparison_table,
    encoding_sentence,
    entries_table,
    gap_sentence,
    metric_sentence,
    source_lines,
    split_table,
    test_sentence,
    test_table,
)
from .words import family_words, report_view

STANDARD = "Model Cards for Model Reporting (Mitchell et al. 2019)"


def _figures(facts: RunFacts, prefix: str) -> list[Figure]:
    return [Figure(path, f"Figure from notebook {prefix}: {label(path.split('/')[-1][3:-4])}")
            for path in facts.figures_of(prefix)]


def _details(f: RunFacts) -> Section:
    names = [a.get("name") for a in f.authors if a.get("name")]
    emails = [a.get("email") for a in f.authors if a.get("email")]
    best = f.tuning_results.get(f.best_family or "", {})
    created = str(f.manifest.get("created") or "")[:10] or None
    version = f.project.get("version")
    return Section("Model details", (
        answer("Developer", ", ".join(names) or None, person=None if names else "name the people responsible"),
        answer("Date", created and f"Run made on {created}."),
        answer("Version", f"Project version {version}, run {f.run_name}." if version else f"Run {f.run_name}."),
        answer("Type", f.best_family and f"{family_name(f.best_family).capitalize()} — the family that scored best "
               "on the tune part after equal tuning of every family.", saved_network_sentence(f)),
        answer("Training algorithm and parameters", f.model_files and "The models evaluated on test and saved "
               "(read from models/index.json, which describes each saved file):", saved_models_table(f),
               stopping_sentence(f), best.get("best_params") and
               f"Best settings of {family_name(f.best_family)}: {fmt(best['best_params'])}.", comparison_table(f)),
        answer("Paper", person="cite the paper or preprint that describes this model, once there is one"),
        answer("Citation", f.project.get("title") and f"{f.project['title']} — see CITATION.cff of the project."),
        answer("Licence", f.licence, person=None if f.licence else "choose a licence for the code and model"),
        answer("Contact", ", ".join(emails) or None, person=None if emails else "give a contact address"),
    ))


def _intended_use(f: RunFacts) -> Section:
    return Section("Intended use", (
        answer("Primary uses", f.question and f"Research into the study question: {f.question}",
               f.hypothesis and f"Hypothesis tested: {f.hypothesis}"),
        answer("Primary users", person="say who may use the model (e.g. the study's researchers only)"),
        answer("Out-of-scope uses", "Samples unlike the training data — another population, instrument, site or "
               "protocol than the data source below — were not evaluated.",
               person="list the uses the model must not serve (e.g. decisions about individual patients)"),
    ))


def _factors(f: RunFacts) -> Section:
    group = (f.parameters.get("data") or {}).get("group_column")
    subgroups = subgroup_table(f)
    return Section("Factors", (
        answer("Relevant factors", group and f"Samples are grouped by '{group}'; each group stays within one part.",
               person="name the factors performance may depend on (sex, age, ancestry, site, instrument, batch)"),
        answer("Evaluation factors", subgroup_sentence(f),
               person=None if subgroups else "say which of these factors the evaluation was broken down by"),
    ))


def _metrics(f: RunFacts) -> Section:
    spread = [f"{family_words(f, family)}: {fmt(min(scores))}–{fmt(max(scores))}"
              for family, scores in _trial_scores(f)]
    return Section("Metrics", (
        answer("Performance measures", metric_sentence(f)),
        answer("Decision thresholds", report_view(f).decision_thresholds(f),
               person="set and justify a threshold if the model will be used to make decisions"),
        answer("Uncertainty and variability", test_sentence(f), test_table(f), *conformal_lines(f, family_name),
               f.conformal and conformal_table(f, family_name),
               spread and "Spread of tune scores across tuning trials, per family:", spread),
    ))


def _trial_scores(f: RunFacts) -> list[tuple[str, list[float]]]:
    found = []
    for family, result in sorted(f.tuning_results.items()):
        scores = [t.get("score") for t in result.get("trials") or [] if isinstance(t, dict)]
        scores = [s for s in scores if isinstance(s, int | float)]
        if scores:
            found.append((family, scores))
    return found


def _evaluation_data(f: RunFacts) -> Section:
    sizes = f.split_sizes
    per = ("" if not report_view(f).per_class_test or not f.split_classes.get("test")
           else f", per class {fmt(f.split_classes.get('test', {}))}")
    test = f"The test part: {sizes['test']} samples{per}." if "test" in sizes else None
    same = report_view(f).same_split
    return Section("Evaluation data", (
        answer("Datasets", test, split_table(f)),
        answer("Motivation", sizes and f"Held back from the same source, {same}, to estimate "
               "performance on samples no model or setting was chosen with."),
        answer("Preprocessing", encoding_sentence(f)),
    ))


def _training_data(f: RunFacts) -> Section:
    sizes = f.split_sizes
    parts = None
    if "train" in sizes:
        parts = f"Training part: {sizes['train']} samples; tune part (tuning, model choice): {sizes.get('tune')}."
    return Section("Training data", (
        answer("Source", source_lines(f), class_sentence(f)),
        answer("Parts used for fitting", parts, *_figures(f, "01")),
    ))


def _quantitative(f: RunFacts) -> Section:
    unitary = [test_sentence(f), test_table(f)] if f.test else [
        "The test part has not been opened in this run; tune scores after equal tuning:", comparison_table(f)]
    subgroups = subgroup_table(f)
    return Section("Quantitative analyses", (
        answer("Unitary results", *unitary, prevalence_sentence(f), paired_sentence(f), gap_sentence(f),
               shuffled_sentences(f), *_figures(f, "04"), *_figures(f, "05")),
        answer("Intersectional results", subgroup_sentence(f), subgroup_table(f),
               person=None if subgroups else "report performance within and across subgroups (e.g. sex × age)"),
    ))


def _ethics(f: RunFacts) -> Section:
    settled = [e for e in f.ethics_entries if e.get("status") != "open" and e.get("resolution")]
    sensitive = f.sensitive
    return Section("Ethical considerations", (
        answer("Data", sensitive is not None and ("The data are marked sensitive: fitted models may not leave the "
               "lab without a resolved register entry that allows it." if sensitive else
               "The data are not marked sensitive in lab.yaml.")),
        answer("Open concerns (ethics register)", entries_table(f.open_entries, f.blocking),
               f.blocking and f"Blocking release: {', '.join(f.blocking)}."),
        answer("Mitigations", [f"{e.get('id')} ({e.get('status')}): {e.get('resolution')}" for e in settled],
               person=None if settled else "describe how the open concerns will be mitigated"),
        answer("Risks and harms", person="say who could be harmed by wrong predictions, and how"),
        answer("Use cases", person="describe the use cases that are fraught, if any"),
    ))


def caveat_lines(f: RunFacts, unsupported: bool = True) -> list[str]:
    """Everything the run itself found that should temper a reader's trust (notebook 00's advice is not one).

    `unsupported=False` leaves out the claims the run does not support, for pages that list them apart.
    """
    lines = [str(w.get("message")) for w in f.data_warnings if w.get("message")]
    if f.flagged:
        lines.append(gap_sentence(f))
    if f.overfitting.get("test_reopened"):
        lines.append("The test part was opened more than once; its scores are optimistic.")
    lines += f.cautions
    lines += [f"Not supported by this run: {claim}" for claim in f.not_supported] if unsupported else []
    return lines


def _caveats(f: RunFacts) -> Section:
    return Section("Caveats and recommendations", (
        answer("What the run found", verdict_lines(f), caveat_lines(f), *_figures(f, "06")),
        answer("Advice before modelling (notebook 00, Tip 1)", premodelling_sentence(f)),
        answer("Recommendations", person="add what a user of this model should do or avoid"),
    ))


def model_card(facts: RunFacts) -> Document:
    sections = (_details(facts), _intended_use(facts), _factors(facts), _metrics(facts), _evaluation_data(facts),
                _training_data(facts), _quantitative(facts), _ethics(facts), _caveats(facts))
    score = completeness(Document("", "", sections))
    intro = (f"{STANDARD}, filled from the artifacts of run {facts.run_name}; {score.sentence} fields. Answers "
             "marked \"to be completed by a person\" are known only to the study's authors.")
    return Document(f"Model card — {facts.title}", intro, sections)


def premodelling_sentence(f: RunFacts) -> str | None:
    """Notebook 00's recommendation, made before any model was fitted, shown as such."""
    advice = f.assessment.get("recommendation")
    return advice and (f"Before any model was fitted, notebook 00 judged from the size and shape of the data: "
                       f"{advice}. The results above say how the models actually compared.")
