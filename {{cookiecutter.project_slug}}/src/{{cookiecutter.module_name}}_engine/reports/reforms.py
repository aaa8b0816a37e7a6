"""The REFORMS checklist (Kapoor et al. 2024, Science Advances): 32 items in 8 sections.

Each item says who answers it. `by: run` items are answered from the run's artifacts (many reuse
the DOME report's answers, so both documents say the same thing); `by: person` items ask for a
judgement only the authors can make, and show what the run recorded that bears on it. The
completeness count is the number of items the run answered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .documents import Document, Field, Section, Text, answer, fmt, label
from .dome import dome_fields
from .runfacts import RunFacts, find_project_root
from .summaries import class_sentence, gap_sentence, paired_lines, split_table

REFERENCE = ("Kapoor S, Cantrell EM, Peng K, et al. (2024) REFORMS: Consensus-based recommendations for "
             "machine-learning-based science. Science Advances 10(18): eadk3452. doi:10.1126/sciadv.adk3452")
SECTIONS = {
    "1": "Study goals", "2": "Computational reproducibility", "3": "Data quality", "4": "Preprocessing",
    "5": "Modelling", "6": "Data leakage", "7": "Metrics and uncertainty", "8": "Generalisability and limits",
}  # fmt: skip
EVIDENCE = "What the run recorded that bears on this:"


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    by: str  # "run" or "person"
    fill: Callable[[RunFacts, dict], tuple[list, str | None]]


def _dome(*keys: str) -> Callable:
    """An item answered by the blocks of these DOME fields."""
    def fill(f: RunFacts, dome: dict):
        return [block for key in keys if key in dome for block in dome[key].blocks], None
    return fill


def _ask(question: str, evidence: Callable[[RunFacts, dict], list] | None = None) -> Callable:
    """A person's item: the question, and what the run knows about it (if anything)."""
    def fill(f: RunFacts, dome: dict):
        found = [x for x in (evidence(f, dome) if evidence else []) if x]
        return ([Text(EVIDENCE), *found] if found else []), question
    return fill


def _study(f, dome):
    return [f"Question: {f.question}" if f.question else None, f"Hypothesis: {f.hypothesis}" if f.hypothesis else None]


def _code(f: RunFacts, dome):
    if not f.manifest:
        return [], None
    git = f.manifest.get("git") or {}
    lines = [f"The Python package '{f.command}' and the eight notebooks; run.json records the sha256 of lab.yaml "
             "and of every notebook as it ran."]
    if git.get("commit"):
        lines.append(f"Git commit {git['commit']}{' with uncommitted changes' if git.get('dirty') else ''}.")
        return lines, "give the public address of the repository (and a DOI of the release)"
    return lines, "the run was not made from a git commit: commit the project and give the repository's address"


def _infrastructure(f: RunFacts, dome):
    m = f.manifest
    if not m.get("python"):
        return [], None
    packages = m.get("packages") or {}
    shown = ", ".join(f"{k} {packages[k]}" for k in ("torch", "scikit-learn", "numpy") if packages.get(k))
    return [f"Python {m['python']} on {m.get('platform', 'an unrecorded platform')}"
            f"{f'; {shown}' if shown else ''}; every package version in run.json, exact pins in constraints.txt."], None


def _readme(f: RunFacts, dome):
    root = find_project_root(f.run_dir)
    if root is None or not (root / "README.md").is_file():
        return [], None
    return ["The project's README.md gives the set-up (`make setup`, pinned versions from constraints.txt) and "
            "the run (`make run`)."], None


def _script(f: RunFacts, dome):
    if not f.manifest:
        return [], None
    seed = f.parameters.get("seed")
    return [f"`{f.command} run` reruns every notebook and rebuilds every table and figure of this report "
            f"(profile {f.manifest.get('profile', '—')}, seed {fmt(seed)}); settings and input checksums are "
            "recorded in run.json."], None


def _sources(f: RunFacts, dome):
    blocks, _ = _dome("dataset/provenance")(f, dome)
    return blocks, ("say when the data were collected and how the labels (ground truth) were made" if blocks else None)


def _outcome(f: RunFacts, dome):
    target = (f.parameters.get("data") or {}).get("target") if isinstance(f.parameters.get("data"), dict) else None
    if not target and not f.class_counts:
        return [], None
    task = f.parameters.get("task") or "classification"
    return [f"Outcome: the column '{target}' ({task})." if target else None, class_sentence(f)], (
        "define the outcome as measured (assay, criterion, who labelled it)")


def _sizes(f: RunFacts, dome):
    return [class_sentence(f), split_table(f)], None


def _missing(f: RunFacts, dome):
    summary = f.summary
    if "columns_with_missing" not in summary:
        return [], None
    columns = summary.get("columns_with_missing") or []
    if not columns:
        return [f"No value is missing in any of the {fmt(summary.get('n_columns'))} columns."], None
    return [f"Columns with missing values: {fmt(columns)}."], "give the share missing per class"


def _exclusions(f: RunFacts, dome):
    sizes = [v for v in f.split_sizes.values() if isinstance(v, int)]
    if not sizes or not f.n_samples:
        return [], None
    if sum(sizes) == f.n_samples:
        return [f"None: the split holds all {f.n_samples} samples of the data file."], None
    return [f"{f.n_samples - sum(sizes)} of {f.n_samples} samples are in no part of the split."], (
        "say why these samples were left out")


def _corrupt(f: RunFacts, dome):
    if not f.summary:
        return [], None
    warnings = [str(w.get("message") or w) for w in f.data_warnings]
    counted = (f"Notebook 01 checked missing values, identical rows ({fmt(f.summary.get('n_duplicate_groups'))} "
               "groups) and near-duplicates.")
    return [counted, warnings or "It raised no data-quality warning."], (
        "say how values outside their possible range were found and handled")


def _selection(f: RunFacts, dome):
    if not f.best_family:
        return [], None
    finalists = f.overfitting.get("finalists") or {}
    chosen = f" Finalists taken to the test part: {fmt([label(str(v)) for v in finalists.values()])}." if (
        finalists) else ""
    return [f"Each family's settings are chosen by {label(f.score_name)} on the tune part after the same tuning "
            f"budget; {label(f.best_family)} scored best.{chosen}"], None


def _train_only(f: RunFacts, dome):
    blocks, _ = _dome("optimization/encoding", "optimization/meta")(f, dome)
    openings = f.overfitting.get("test_openings")
    if openings is not None:
        blocks.append(Text(f"The test part was opened {openings} time(s), through a gate that logs each look."))
    return blocks, None


def _metrics(f: RunFacts, dome):
    blocks, _ = _dome("evaluation/measure")(f, dome)
    return blocks, (f"say why {label(f.score_name)} suits the question" if blocks else None)


def _uncertainty(f: RunFacts, dome):
    blocks, _ = _dome("evaluation/confidence")(f, dome)
    resamples = f.test.get("n_resamples")
    if blocks and resamples:
        blocks.append(Text(f"Intervals from {resamples} bootstrap resamples of the test part."))
    return blocks, None


def _tests(f: RunFacts, dome):
    lines = paired_lines(f)
    if not lines:
        return [], None
    return ["Paired comparison of the finalists on the same test samples (bootstrap, no distributional "
            "assumption beyond independent samples):", lines], None


ITEMS = (
    Item("1a", "Who or what the claim is about (the population)", "person",
         _ask("state the population or distribution the study's claim is about", _study)),
    Item("1b", "Why this population", "person", _ask("say why this population was chosen")),
    Item("1c", "Why machine learning", "person", _ask(
        "say why machine learning suits the question", lambda f, d: [f.art("00_question").get("summary")])),
    Item("2a", "The data, identified by link or DOI", "run", _dome("dataset/provenance", "dataset/availability")),
    Item("2b", "The code and the version that produced the results", "run", _code),
    Item("2c", "The computers and software used", "run", _infrastructure),
    Item("2d", "Instructions to regenerate the results", "run", _readme),
    Item("2e", "One command that reproduces every result", "run", _script),
    Item("3a", "Where the data came from, when, and how labels were made", "run", _sources),
    Item("3b", "The sampling frame the data were drawn from", "person",
         _ask("state the set or distribution the samples were drawn from")),
    Item("3c", "Why these data suit the task", "person", _ask("say why these data are useful for this task")),
    Item("3d", "The outcome: definition and description per class (for a number, its distribution)", "run",
         _outcome),
    Item("3e", "Sample size and outcome frequencies", "run", _sizes),
    Item("3f", "Missing values", "run", _missing),
    Item("3g", "Why the sample represents the population of the claim", "person",
         _ask("argue that the sampled data (3b) represent the population of the claim (1a)")),
    Item("4a", "Samples left out, and why", "run", _exclusions),
    Item("4b", "Impossible or corrupt values", "run", _corrupt),
    Item("4c", "Every step from raw data to model input", "run", _dome("optimization/encoding")),
    Item("5a", "Every model trained", "run", _dome("optimization/algorithm")),
    Item("5b", "Why these kinds of model", "person", _ask("say why these model types were chosen")),
    Item("5c", "How the models were evaluated", "run", _dome("evaluation/method", "dataset/splits")),
    Item("5d", "How the reported model was chosen", "run", _selection),
    Item("5e", "How hyperparameters were tuned", "run", _dome("optimization/parameters")),
    Item("5f", "Whether the baselines are fair comparisons", "run", _dome("evaluation/comparison")),
    Item("6a", "Preprocessing and modelling use training data only", "run", _train_only),
    Item("6b", "Dependencies and duplicates across training and test data", "run", _dome("dataset/redundancy")),
    Item("6c", "Every input is legitimate for the task", "person", _ask(
        "argue that no input carries the answer in a way unavailable at prediction time",
        lambda f, d: [(f.interpretation.get("shortcut") or {}).get("note"), gap_sentence(f)])),
    Item("7a", "The metrics, and why the selection metric suits the task", "run", _metrics),
    Item("7b", "Uncertainty of the scores, and how it was computed", "run", _uncertainty),
    Item("7c", "Statistical tests and their assumptions", "run", _tests),
    Item("8a", "Evidence that the results hold beyond these data", "person",
         _ask("name data from another site, lab or time the model was tested on, or say there were none")),
    Item("8b", "Where the findings are not expected to hold", "person", _ask(
        "say where the findings should not be expected to hold", lambda f, d: [f.not_supported, f.cautions])),
)


def reforms_fields(facts: RunFacts) -> list[tuple[Item, Field]]:
    dome = {f.key: f for f in dome_fields(facts)}
    pairs = []
    for item in ITEMS:
        content, person = item.fill(facts, dome)
        pairs.append((item, answer(item.title, *content, person=person, key=f"{item.id} · by: {item.by}")))
    return pairs


def completeness(pairs: list[tuple[Item, Field]]) -> tuple[int, int]:
    """(items the run answered, all items)."""
    return sum(item.by == "run" and field.filled for item, field in pairs), len(pairs)


def reforms_document(facts: RunFacts) -> tuple[Document, tuple[int, int]]:
    pairs = reforms_fields(facts)
    sections = tuple(Section(f"{number}. {title}", tuple(f for item, f in pairs if item.id[0] == number))
                     for number, title in SECTIONS.items())
    done, total = completeness(pairs)
    people = sum(item.by == "person" for item, _ in pairs)
    intro = (f"The REFORMS checklist for machine-learning-based science, for run {facts.run_name} of {facts.title}. "
             f"Completeness: {done} of {total} items answered from the run's artifacts (`by: run`); {people} items "
             "(`by: person`) ask for a judgement only the authors can give, and every gap is marked "
             "\"to be completed by a person\".")
    return Document(f"REFORMS checklist — {facts.title}", intro, sections, (REFERENCE,)), (done, total)
