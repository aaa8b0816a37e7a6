"""The run's report: an HTML index, the model card, the DOME report and the datasheet.

Everything is built from run.json and artifacts/*.json (never from notebook output), rendered
in memory and only then written, so a failing report leaves no half-written files. Links are
relative, so the run folder can be zipped and mailed; the executed notebooks are rendered to
self-contained HTML next to the index. The same run always gives byte-identical files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import LabError
from ..common.files import write_atomic
from ..common.lazy_imports import without_iri_grammars
from ..tasks.regression.report import conformal_lines, conformal_table
from .datasheet import datasheet
from .documents import PERSON, Document, completeness, family_name, fmt, label, table, to_markdown
from .dome import dome_document, dome_json
from .findings import (
    importance_tables,
    indistinguishable_lines,
    motif_sentence,
    paired_sentence,
    prevalence_sentence,
    shuffled_sentences,
    verdict_lines,
)
from .modelcard import caveat_lines, model_card, premodelling_sentence
from .runfacts import RunFacts
from .standards import StandardsSummary, standards_files
from .summaries import (
    budget_sentence,
    class_sentence,
    comparison_rows,
    entries_table,
    gap_sentence,
    gap_table,
    interpretation_sentence,
    leakage_lines,
    network_sentence,
    source_lines,
    split_sentence,
    split_table,
    test_sentence,
    test_table,
)
from .words import family_words, report_view

TEMPLATES = Path(__file__).with_name("templates")
NOTEBOOK_PAGES = "notebooks_html"
INDEX = "index.html"
# (markdown, html) file names of the three documents, all at the top of the run folder.
DOCUMENTS = {
    "model_card": ("MODEL_CARD.md", "model_card.html"),
    "dome": ("DOME.md", "dome.html"),
    "datasheet": ("DATASHEET.md", "datasheet.html"),
}
DOME_JSON = "dome.json"
# Notebook 05's figures of the single test look: shown under the test result, not under overfitting.
TEST_FIGURES = ("05_test_metrics", "05_roc_pr", "05_calibration", "05_predicted_vs_observed", "05_residuals",
                "05_conformal")
# Scripts nbconvert would load from the internet: left out so the pages work offline.
_REMOTE_SCRIPT = re.compile(r'<script src="">\s*</script>\s*')
_BACK_LINK = ('\n<nav style="padding:0.5em 1em"><a href="../index.html">← back to the run\'s report</a></nav>')
_NO_FAVICON = '<head>\n<link rel="icon" href="data:,">'  # no request for a /favicon.ico the folder lacks


@dataclass(frozen=True)
class ReportSummary:
    """What `report` wrote: the files (relative to the run folder) and the DOME score."""

    run_dir: Path
    files: tuple[str, ...]
    dome_filled: int
    dome_total: int
    standards: StandardsSummary | None = None  # REFORMS completeness, DOME Registry validation
    verdict: tuple[str, ...] = ()

    @property
    def dome_sentence(self) -> str:
        return f"filled by the run: {self.dome_filled} of {self.dome_total}; left for a person: " \
               f"{self.dome_total - self.dome_filled}"


def template_environment():
    """Jinja with [[ ]] / [% %] delimiters, so the templates pass through cookiecutter untouched."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
    )
    env.globals["PERSON"] = PERSON
    return env


def notebook_pages(facts: RunFacts) -> dict[str, bytes]:
    """Every executed notebook of the run as a self-contained HTML page (images inline, no remote scripts)."""
    if not facts.notebooks:
        return {}
    without_iri_grammars()
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", require_js_url="", mathjax_url="", embed_images=True)
    pages = {}
    for stem in facts.notebooks:
        path = facts.run_dir / "notebooks" / f"{stem}.ipynb"
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception as exc:  # nbformat raises several types for a damaged file
            raise LabError(
                f"{path} cannot be read as a notebook ({exc.__class__.__name__}); rerun it with "
                f"{facts.rerun_hint(stem[:2])}"
            ) from None
        notebook.metadata.pop("widgets", None)  # live widgets need a kernel; their text output remains
        body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": label(stem)}})
        page = _REMOTE_SCRIPT.sub("", body).replace("<head>", _NO_FAVICON, 1)
        page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + _BACK_LINK, page, count=1)
        pages[f"{NOTEBOOK_PAGES}/{stem}.html"] = page.encode("utf-8")
    return pages


def baseline_table(facts: RunFacts):
    metrics = report_view(facts).baseline_metrics
    rows = [[family_words(facts, name), *[row.get(f"tune_{m}") for m in metrics]]
            for name, row in sorted(facts.baselines.items()) if isinstance(row, dict)]
    return table(["model", *[f"tune {label(m)}" for m in metrics]], rows)


def notebook_rows(facts: RunFacts, pages: dict[str, bytes]) -> list[dict]:
    """Each notebook of the run with its status, seconds, and links to its HTML page and .ipynb."""
    recorded = facts.manifest.get("notebooks") or {}
    rows = []
    for stem in sorted(set(recorded) | set(facts.notebooks)):
        entry = recorded.get(stem) if isinstance(recorded.get(stem), dict) else {}
        html = f"{NOTEBOOK_PAGES}/{stem}.html"
        rows.append({
            "name": stem,
            "title": label(stem[3:]) if stem[:2].isdigit() else label(stem),
            "status": entry.get("status", "not run"),
            "seconds": entry.get("seconds"),
            "html": html if html in pages else None,
            "ipynb": f"notebooks/{stem}.ipynb" if stem in facts.notebooks else None,
        })
    return rows


def index_context(facts: RunFacts, documents: dict[str, Document], pages: dict[str, bytes]) -> dict:
    """Everything index.html shows, as plain values and document blocks."""
    shown = {prefix: facts.figures_of(prefix) for prefix in ("00", "01", "02", "03", "04", "05", "06", "07")}
    seen = {f for figs in shown.values() for f in figs}
    dome = documents["dome"]
    return {
        "f": facts,
        "label": lambda key: family_words(facts, key),  # task-aware: 'prior' is the mean predictor for numbers
        "fmt": fmt,
        "figs": shown,
        "figs_test": [f for f in shown["05"] if Path(f).stem in TEST_FIGURES],
        "figs_overfitting": [f for f in shown["05"] if Path(f).stem not in TEST_FIGURES],
        "other_figures": [f for f in facts.figures if f not in seen],
        "sources": source_lines(facts),
        "classes": class_sentence(facts),
        "task": report_view(facts).words,
        "split_heading": report_view(facts).split_heading,
        "shuffled_heading": f"Shuffled-{report_view(facts).shuffled} control",
        "conformal": conformal_lines(facts, family_name),
        "conformal_table": conformal_table(facts, family_name),
        "split_sentence": split_sentence(facts),
        "split_table": split_table(facts),
        "leakage": leakage_lines(facts),
        "baselines": baseline_table(facts),
        "network": network_sentence(facts),
        "comparison": comparison_rows(facts),
        "score_label": label(facts.score_name),
        "budget": budget_sentence(facts),
        "gap_table": gap_table(facts),
        "gap_sentence": gap_sentence(facts),
        "test_sentence": test_sentence(facts),
        "test_table": test_table(facts),
        "paired": paired_sentence(facts),
        "prevalence": prevalence_sentence(facts),
        "shuffled": shuffled_sentences(facts),
        "interpretation": interpretation_sentence(facts),
        "indistinguishable": indistinguishable_lines(facts),
        "importance_tables": importance_tables(facts),
        "motif": motif_sentence(facts),
        "verdict": verdict_lines(facts),
        "premodelling": premodelling_sentence(facts),
        "open_entries": entries_table(facts.open_entries, facts.blocking),
        "caveats": caveat_lines(facts, unsupported=False),  # the answer section lists the unsupported claims
        "notebooks": notebook_rows(facts, pages),
        "documents": DOCUMENTS,
        "dome_score": completeness(dome),
    }


def render(facts: RunFacts) -> tuple[dict[str, bytes], dict, StandardsSummary]:
    """Every report file by path relative to the run folder, rendered in memory; the DOME record; the standards."""
    env = template_environment()
    documents = {"model_card": model_card(facts), "dome": dome_document(facts), "datasheet": datasheet(facts)}
    files: dict[str, bytes] = {}
    page = env.get_template("document.html.j2")
    for key, document in documents.items():
        markdown_name, html_name = DOCUMENTS[key]
        files[markdown_name] = to_markdown(document).encode("utf-8")
        files[html_name] = page.render(doc=document, markdown=markdown_name, run=facts.run_name).encode("utf-8")
    dome = dome_json(documents["dome"], facts.run_name)
    files[DOME_JSON] = (json.dumps(dome, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    extra, standards = standards_files(facts, documents["dome"], page)
    files.update(extra)
    pages = notebook_pages(facts)
    files.update(pages)
    context = {**index_context(facts, documents, pages), "standards": standards}
    files[INDEX] = env.get_template("index.html.j2").render(context).encode("utf-8")
    return files, dome, standards


def build_report(run_dir: str | Path, root: Path | None = None) -> ReportSummary:
    """Read a run folder and write its report files into it (all rendered before any is written)."""
    facts = RunFacts.load(run_dir, root)
    files, dome, standards = render(facts)
    for relative, data in sorted(files.items()):
        write_atomic(facts.run_dir / relative, data)
    score = dome["completeness"]
    return ReportSummary(facts.run_dir, tuple(sorted(files)), score["filled"], score["total"], standards,
                         tuple(verdict_lines(facts)))
