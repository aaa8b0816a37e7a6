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

STANDARD = "Datasheets for Datasets (Gebru et al. 2021)"
SECTIONS = ("Motivation", "Composition", "Collection process", "Preprocessing/cleaning/labeling", "Uses",
            "Distribution", "Maintenance")
# Fields whose answer grows as the run goes on: the run's findings are added to the draft's.
LEARNED_LATER = {"recommended splits", "uses recorded"}


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


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", name.lower()).strip()


def _from_draft(name: str, record) -> Field:
    record = record if isinstance(record, dict) else {"value": record, "by": "run"}
    value = record.get("value")
    content = value if isinstance(value, list) else (fmt(value) if isinstance(value, dict) else value)
    person = "answer this question" if record.get("by") == "person" and value in (None, "", []) else None
    return answer(name, content, person=person)


def _merge(draft: Field, run: Field | None) -> Field:
    if run is None:
        return draft
    if _key(draft.name) in LEARNED_LATER:
        return Field(draft.name, draft.blocks + run.blocks, None if run.filled else draft.person)
    if draft.filled:
        return draft
    return Field(draft.name, run.blocks, run.person or draft.person)


def datasheet(facts: RunFacts) -> Document:
    """The draft's sections and fields, completed with what the run learned; draft order first."""
    draft = facts.art("01_data_provenance").get("datasheet")
    draft = draft if isinstance(draft, dict) else {}
    skeleton = _skeleton(facts)
    sections = []
    for title in [*SECTIONS, *(s for s in draft if s not in SECTIONS)]:
        own = {_key(f.name): f for f in skeleton.get(title, [])}
        drafted = draft.get(title) if isinstance(draft.get(title), dict) else {}
        fields = [_merge(_from_draft(name, record), own.pop(_key(name), None)) for name, record in drafted.items()]
        fields += list(own.values())
        sections.append(Section(title, tuple(fields)))
    origin = ("notebook 01's draft, completed with what the later notebooks of run" if draft
              else "built from what the notebooks of run")
    score = completeness(Document("", "", tuple(sections)))
    intro = (f"{STANDARD} for the data of {facts.title}: {origin} {facts.run_name} recorded; {score.sentence} "
             "fields. Answers marked \"to be completed by a person\" need the people who collected the data.")
    return Document(f"Datasheet — {facts.data_path or 'study data'}", intro, tuple(sections))
