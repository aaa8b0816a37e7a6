"""The datasheet for the study's data (Gebru et al.): notebook 01's draft, completed by the run.

Notebook 01 drafts the datasheet while it inspects the data; later notebooks learn more (the
split, how the data were used, what the models saw), which is added here. Answers only a
person can give stay marked.
"""

from __future__ import annotations

import re

from .documents import Document, Field, Section, answer, completeness, fmt
from .runfacts import RunFacts
from .summaries import class_sentence, encoding_sentence, leakage_lines, source_lines, split_sentence, split_table
from .words import report_view

STANDARD = "Datasheets for Datasets (Gebru et al. 2021)"
SECTIONS = ("Motivation", "Composition", "Collection process", "Preprocessing/cleaning/labeling", "Uses",
            "Distribution", "Maintenance")


def _skeleton(f: RunFacts) -> dict[str, list[Field]]:
    """Every field the run can answer itself, plus the questions only a person can."""
    summary = f.summary
    group = (f.parameters.get("data") or {}).get("group_column")
    missing = summary.get("columns_with_missing")
    description = [e.get("description") for e in f.sources if e.get("description")]
    licences = sorted({f"{e.get('path')}: {e.get('licence')}" for e in f.sources if e.get("licence")})
    versions = [f"{e.get('path')}: version {e.get('version') or '—'}, retrieved {e.get('retrieved') or '—'}, "
                f"sha256 {e.get('sha256') or '—'}" for e in f.sources]
    return {
        "Motivation": [
            answer("For what purpose was the dataset created", person="say why and by whom the data were collected"),
            answer("Who funded its creation", person="name the funder, if known"),
        ],
        "Composition": [
            answer("What the instances are", description),
            answer("How many instances", class_sentence(f)),
            answer("Sample or complete set", person="say whether the data are a sample of a larger population, "
                   "and how representative"),
            answer("Missing information", missing is not None and (
                f"Columns with missing values: {fmt(missing)}." if missing else "No missing values.")),
            answer("Relationships between instances", f.parameters and (
                f"Samples sharing a '{group}' value belong together and stay within one part of the split." if group
                else "No group column is set: every sample is treated as independent."),
                   person=None if group else "say whether samples are related (same patient, site, batch)"),
            answer("Recommended splits", split_sentence(f), split_table(f)),
            answer("Errors, noise or redundancy", leakage_lines(f)),
            answer("Confidential or sensitive data", f.sensitive is not None and (
                "Yes: marked sensitive in lab.yaml." if f.sensitive else "Not marked sensitive in lab.yaml."),
                   person="confirm, and say what protects it"),
            answer("Subpopulations", person="name any subpopulations (age, sex, ancestry, site) and their shares"),
            answer("Can individuals be identified", person="say whether anyone can be identified from the data"),
        ],
        "Collection process": [
            answer("How the data were acquired", source_lines(f),
                   person="describe how the samples were collected and measured"),
        ],
        "Preprocessing/cleaning/labeling": [
            answer("Preprocessing for modelling", encoding_sentence(f)),
            answer("Is the raw data kept", person="say where the raw, unprocessed data are kept"),
        ],
        "Uses": [
            answer("Uses recorded", _uses(f)),
            answer(question("task"), f.parameters.get("task") and report_view(f).words),
            answer("Uses to avoid", person="name uses these data are unfit for"),
        ],
        "Distribution": [
            answer("Licence and access", licences, person=None if licences else "give the licence and terms of use"),
        ],
        "Maintenance": [
            answer("Versions", versions),
            answer("Who maintains the data", person="name who maintains the data and how to reach them"),
        ],
    }


def _uses(f: RunFacts) -> list[str]:
    lines = []
    if f.question:
        lines.append(f"Run {f.run_name} used the data for the study question: {f.question}")
    if f.tuning_results:
        lines.append(f"{len(f.tuning_results)} model families were tuned on the training and tune parts.")
    if f.overfitting.get("test_openings") is not None:
        lines.append(f"The test part was opened {f.overfitting['test_openings']} time(s) in this run.")
    return lines


# Questions whose answer the later notebooks know better than notebook 01's draft (it replaces the draft's).
RUN_KNOWS_BETTER = {"recommended splits", "preprocessing for modelling", "how many instances",
                    "errors noise or redundancy"}
# Notebook 01's draft keys as the datasheet's questions (those the run also answers share its wording).
QUESTIONS = {
    "purpose": "For what purpose was the dataset created",
    "creators": "Who created the dataset",
    "funding": "Who funded its creation",
    "instances": "What the instances are",
    "count": "How many instances",
    "sample_or_complete": "Sample or complete set",
    "labels": "What the labels are",
    "missing_information": "Missing information",
    "relationships_between_instances": "Relationships between instances",
    "recommended_splits": "Recommended splits",
    "errors_noise_redundancy": "Errors, noise or redundancy",
    "confidential_or_sensitive": "Confidential or sensitive data",
    "subpopulations": "Subpopulations",
    "individuals_identifiable": "Can individuals be identified",
    "source": "Where the data come from",
    "accession": "Accession or address of the data",
    "how_collected": "How the data were acquired",
    "timeframe": "Over what timeframe the data were collected",
    "ethical_review": "Was there an ethical review",
    "preprocessing_in_models": "Preprocessing for modelling",
    "raw_data_kept": "Is the raw data kept",
    "labeling": "How the labels were assigned",
    "task": "The task the data serve in this study",
    "other_uses": "Other uses",
    "uses_to_avoid": "Uses to avoid",
    "licence": "Licence and access",
    "version": "Version of the data",
    "retrieved": "When the data were retrieved",
    "maintainer": "Who maintains the data",
    "updates": "How changes to the data are tracked",
}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", name.lower()).strip()


def question(key: str) -> str:
    """A draft key as the datasheet's question: 'raw_data_kept' → 'Is the raw data kept'."""
    words = key.replace("_", " ")
    return QUESTIONS.get(key, words[:1].upper() + words[1:])


def _draft_text(value, per="per class"):
    """A draft answer as text or bullets: the labels mapping as a sentence, other mappings as 'key: value'."""
    if isinstance(value, dict) and isinstance(value.get("classes"), dict):
        counts = ", ".join(f"{name} {count}" for name, count in value["classes"].items())
        return f"Column '{value.get('column')}'; {per}: {counts}."
    return value if isinstance(value, list) else (fmt(value) if isinstance(value, dict) else value)


def _order(item: Field) -> int:
    """Questions in the order of the standard (QUESTIONS), others after them in their own order."""
    order = [_key(q) for q in QUESTIONS.values()]
    return order.index(_key(item.name)) if _key(item.name) in order else len(order)


def _from_draft(name: str, record, per: str = "per class") -> Field:
    record = record if isinstance(record, dict) else {"value": record, "by": "run"}
    value = record.get("value")
    person = "answer this question" if record.get("by") == "person" and value in (None, "", []) else None
    return answer(question(name), _draft_text(value, per), person=person)


def _merge(draft: Field, run: Field | None) -> Field:
    """One answer per question: what the run learned when it has it, else the draft's answer."""
    if run is None:
        return draft
    if run.filled and draft.filled and _key(run.name) not in RUN_KNOWS_BETTER:
        return Field(run.name, draft.blocks, run.person)
    if run.filled:
        return run
    if draft.filled:
        return Field(run.name, draft.blocks, None)
    return Field(run.name, (), run.person or draft.person)


def datasheet(facts: RunFacts) -> Document:
    """The draft's sections and fields, completed with what the run learned; draft order first."""
    draft = facts.art("01_data_provenance").get("datasheet")
    draft = draft if isinstance(draft, dict) else {}
    skeleton = _skeleton(facts)
    sections = []
    for title in [*SECTIONS, *(s for s in draft if s not in SECTIONS)]:
        own = {_key(f.name): f for f in skeleton.get(title, [])}
        drafted = draft.get(title) if isinstance(draft.get(title), dict) else {}
        per = report_view(facts).per_class
        fields = [_merge(_from_draft(name, record, per), own.pop(_key(question(name)), None))
                  for name, record in drafted.items()]
        fields += list(own.values())
        sections.append(Section(title, tuple(sorted(fields, key=_order))))
    origin = ("notebook 01's draft, completed with what the later notebooks of run" if draft
              else "built from what the notebooks of run")
    score = completeness(Document("", "", tuple(sections)))
    intro = (f"{STANDARD} for the data of {facts.title}: {origin} {facts.run_name} recorded; {score.sentence} "
             "fields. Answers marked \"to be completed by a person\" need the people who collected the data.")
    return Document(f"Datasheet — {facts.data_path or 'study data'}", intro, tuple(sections))
