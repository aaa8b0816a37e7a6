"""A tiny document model shared by the model card, the DOME report and the datasheet.

Each report is a list of sections of named fields. A field holds what the run knows (text,
bullets, a table, a figure) and, separately, what only a person can add, so the Markdown and
HTML renderings mark the gaps the same way and the DOME score counts them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PERSON = "TO BE COMPLETED BY A PERSON"
# The DOME registry scores these answers as empty; so do we.
EMPTY_ANSWERS = {"", "na", "n/a", "not stated", "unknown", "none"}
METRIC_NAMES = {
    "roc_auc": "ROC-AUC",
    "pr_auc": "PR-AUC",
    "mcc": "MCC",
    "brier": "Brier score",
    "balanced_accuracy": "balanced accuracy",
    "f1_macro": "macro F1",
    "accuracy": "accuracy",
    "prevalence": "prevalence",
    "r2": "R²",
    "rmse": "RMSE",
    "mae": "MAE",
    "pearson": "Pearson r",
    "spearman": "Spearman ρ",
    "mean_target": "mean target",
}


@dataclass(frozen=True)
class Text:
    text: str
    kind: str = "text"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    kind: str = "bullets"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: str = "table"


@dataclass(frozen=True)
class Figure:
    path: str  # relative to the run folder, where every report file lives
    caption: str
    kind: str = "figure"


Block = Text | Bullets | Table | Figure


@dataclass(frozen=True)
class Field:
    """One answer: what the run recorded (`blocks`) and what a person must still add (`person`)."""

    name: str
    blocks: tuple[Block, ...] = ()
    person: str | None = None
    key: str = ""
    required: bool | None = None

    @property
    def filled(self) -> bool:
        """True when the run answered this field with something other than an empty word."""
        return any(_block_has_content(block) for block in self.blocks)

    @property
    def by_run(self) -> bool:
        """True when the run answered this field fully: it has content and asks nothing of a person."""
        return self.filled and not self.person

    @property
    def plain(self) -> str | None:
        """The run's answer as one line of text (for JSON), or None when there is none."""
        parts = [_block_text(block) for block in self.blocks if _block_has_content(block)]
        return " ".join(parts) if parts else None


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Document:
    title: str
    intro: str
    sections: tuple[Section, ...]
    sources: tuple[str, ...] = field(default=())

    @property
    def fields(self) -> list[Field]:
        return [f for section in self.sections for f in section.fields]


@dataclass(frozen=True)
class Completeness:
    """How many fields the run answered itself, and how many still need a person."""

    by_run: int
    total: int

    @property
    def for_person(self) -> int:
        return self.total - self.by_run

    @property
    def sentence(self) -> str:
        return f"filled by the run: {self.by_run} of {self.total}; left for a person: {self.for_person}"


def completeness(document: Document) -> Completeness:
    """Fields the run filled alone (no "to be completed by a person" box) against all fields."""
    fields = document.fields
    return Completeness(sum(f.by_run for f in fields), len(fields))


def answer(name: str, *content: Any, person: str | None = None, key: str = "", required: bool | None = None) -> Field:
    """A field from loose content: strings become paragraphs, lists bullets; None and '' are dropped."""
    blocks = []
    for item in content:
        if item is None or item is False or (isinstance(item, str | list | tuple | dict) and not item):
            continue
        if isinstance(item, Text | Bullets | Table | Figure):
            blocks.append(item)
        elif isinstance(item, list | tuple):
            blocks.append(Bullets(tuple(str(x) for x in item)))
        else:
            blocks.append(Text(str(item)))
    return Field(name, tuple(blocks), person, key, required)


def table(columns: list[str], rows: list[list[Any]]) -> Table | None:
    """A table of formatted cells, or None when there are no rows."""
    if not rows:
        return None
    return Table(tuple(columns), tuple(tuple(fmt(cell) for cell in row) for row in rows))


# formatting ------------------------------------------------------------------------------
def fmt(value: Any) -> str:
    """A value as short text: 3 decimals for scores, yes/no for booleans, lists joined."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}" if value == 0 or 0.001 <= abs(value) < 10000 else f"{value:.3g}"
    if isinstance(value, list | tuple):
        return ", ".join(fmt(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{label(str(k))}: {fmt(v)}" for k, v in value.items())
    return str(value)


# Model families whose key does not read as words once the underscores go.
FAMILY_WORDS = {"k_nearest_neighbours": "k-nearest neighbours", "svm": "support vector machine",
                "naive_bayes": "naive Bayes"}


def label(key: str) -> str:
    """A machine key as words: 'roc_auc' → 'ROC-AUC', 'k_nearest_neighbours' → 'k-nearest neighbours'."""
    return METRIC_NAMES.get(key) or FAMILY_WORDS.get(key) or key.replace("_", " ")


def interval(metric: dict) -> str:
    """'0.973 (0.941–0.993)' from {"value", "low", "high"}."""
    value = fmt(metric.get("value"))
    if metric.get("low") is None or metric.get("high") is None:
        return value
    return f"{value} ({fmt(metric['low'])}–{fmt(metric['high'])})"


# Markdown --------------------------------------------------------------------------------
def to_markdown(document: Document) -> str:
    lines = [f"# {document.title}", "", document.intro, ""]
    for section in document.sections:
        lines += [f"## {section.title}", ""]
        for item in section.fields:
            lines += _field_markdown(item)
    if document.sources:
        lines += ["## Sources", "", *(f"- {source}" for source in document.sources), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _field_markdown(item: Field) -> list[str]:
    key = f" (`{item.key}`)" if item.key else ""
    lines = [f"### {item.name}{key}", ""]
    for block in item.blocks:
        lines += _block_markdown(block) + [""]
    if item.person:
        lines += [f"> **{PERSON}:** {item.person}", ""]
    elif not item.blocks:
        lines += [f"> **{PERSON}.**", ""]
    return lines


def _block_markdown(block: Block) -> list[str]:
    if isinstance(block, Text):
        return [block.text]
    if isinstance(block, Bullets):
        return [f"- {entry}" for entry in block.items]
    if isinstance(block, Figure):
        return [f"![{block.caption}]({block.path})"]
    cells = [block.columns, *block.rows]
    rows = ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in cells]
    return [rows[0], "|" + "---|" * len(block.columns), *rows[1:]]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _block_text(block: Block) -> str:
    if isinstance(block, Text):
        return block.text
    if isinstance(block, Bullets):
        return "; ".join(block.items)
    if isinstance(block, Figure):
        return f"{block.caption} ({block.path})"
    return "; ".join(", ".join(f"{c}: {v}" for c, v in zip(block.columns, row, strict=False)) for row in block.rows)


def _block_has_content(block: Block) -> bool:
    if isinstance(block, Text):
        return block.text.strip().lower().rstrip(".") not in EMPTY_ANSWERS
    if isinstance(block, Bullets | Table):
        return bool(block.items if isinstance(block, Bullets) else block.rows)
    return True


FAMILY_NAMES = {
    "network": "the network",
    "k_nearest_neighbours": "k-nearest neighbours",
    "logistic_regression": "logistic regression",
    "ridge": "ridge regression",
    "random_forest": "random forest",
    "naive_bayes": "naive Bayes",
    "svm": "support vector machine",
    "prior": "the prior (class frequencies)",
}


def family_name(family: str | None) -> str:
    """A model family in words: 'k_nearest_neighbours' → 'k-nearest neighbours'."""
    return FAMILY_NAMES.get(str(family), label(str(family)))
