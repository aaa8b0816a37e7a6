"""The report's files for two more standards: the REFORMS checklist and the DOME Registry entry.

Rendered in memory with the other report files (report.py writes them all at once), and
summarised for the command line: REFORMS completeness, and whether the registry entry passes
the DOME Registry schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .documents import Document, to_markdown
from .dome_registry import REGISTRY_JSON, SCHEMA_VERSION, answered, registry_entry, validation_errors
from .reforms import reforms_document
from .runfacts import RunFacts

REFORMS_FILES = ("REFORMS.md", "reforms.html")


@dataclass(frozen=True)
class StandardsSummary:
    reforms_done: int
    reforms_total: int
    registry_answered: int
    registry_total: int
    registry_errors: tuple[str, ...]

    schema_version: str = SCHEMA_VERSION

    @property
    def registry_valid(self) -> bool:
        return not self.registry_errors

    def lines(self, where: str) -> list[str]:
        """What `run` and `report` print about these two documents."""
        valid = "valid" if self.registry_valid else f"INVALID ({'; '.join(self.registry_errors[:3])})"
        return [
            f"REFORMS completeness: {self.reforms_done} of {self.reforms_total} items answered from the run; "
            f"{where}/{REFORMS_FILES[0]} marks the {self.reforms_total - self.reforms_done} left for a person",
            f"DOME Registry entry: {where}/{REGISTRY_JSON} {valid} against the DOME Registry schema "
            f"{SCHEMA_VERSION}; {self.registry_answered} of {self.registry_total} fields have an answer",
        ]


def standards_files(facts: RunFacts, dome: Document, page) -> tuple[dict[str, bytes], StandardsSummary]:
    """REFORMS.md, reforms.html and dome-registry.json, and what they say in numbers."""
    reforms, (done, total) = reforms_document(facts)
    entry = registry_entry(facts, dome)
    errors = tuple(validation_errors(entry))
    files = {
        REFORMS_FILES[0]: to_markdown(reforms).encode("utf-8"),
        REFORMS_FILES[1]: page.render(doc=reforms, markdown=REFORMS_FILES[0], run=facts.run_name).encode("utf-8"),
        REGISTRY_JSON: (json.dumps(entry, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
    return files, StandardsSummary(done, total, *answered(entry), errors)
