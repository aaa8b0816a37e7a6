"""A part of a notebook that varies by modality or task, as data: what to print, show, save and record.

Modalities and tasks return a Section; the notebook hands it to `Run.show`, which prints its lines,
displays its tables and figures, saves the figures and writes its artifact. The notebook itself
never asks which modality or task it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    """Lines, tables and figures of one notebook step, and the artifact it records (if any)."""

    lines: list[str] = field(default_factory=list)
    tables: list[Any] = field(default_factory=list)  # DataFrames displayed (and texts printed) in order
    figures: list[tuple[str, Any]] = field(default_factory=list)  # (figure name, matplotlib figure)
    artifact: str | None = None  # the artifact's name, e.g. "00_images"
    record: dict | None = None  # what the artifact holds
    values: dict[str, Any] = field(default_factory=dict)  # what later cells of the notebook read
