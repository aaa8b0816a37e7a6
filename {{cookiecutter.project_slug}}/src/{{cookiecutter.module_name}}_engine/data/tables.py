"""Tables read as the study gives them: CSV, TSV or Parquet, each problem one sentence naming the file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..common.errors import LabError

READERS = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": "\t"}
PARQUET = (".parquet", ".pq")


def read_table(path: Path, label: str, missing_values: list[str] | None = None) -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file; `label` is how the file is named in messages."""
    suffix = path.suffix.lower()
    if suffix not in READERS and suffix not in PARQUET:
        raise LabError(
            f"{label} has extension '{suffix}', which is not a table format this study reads; "
            "save it as .csv, .tsv or .parquet and update data.path in lab.yaml"
        )
    if not path.is_file():
        raise LabError(f"{label} (lab.yaml field 'data.path') does not exist; put the file there or fix the path")
    if path.stat().st_size == 0:
        raise LabError(f"{label} is empty; replace it with the full table")
    frame = _read_parquet(path, label) if suffix in PARQUET else _read_delimited(path, label, suffix, missing_values)
    if frame.empty or frame.shape[1] < 2:
        raise LabError(f"{label} holds no rows or only one column; check the file and its delimiter")
    return frame


def _read_delimited(path: Path, label: str, suffix: str, missing_values: list[str] | None = None) -> pd.DataFrame:
    try:
        return pd.read_csv(path, sep=READERS[suffix], na_values=list(missing_values or []) or None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise LabError(
            f"{label} could not be read as {suffix[1:].upper()} ({reason}); check its delimiter and encoding"
        ) from None


def _read_parquet(path: Path, label: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise LabError(
            f"{label} could not be read as Parquet ({reason}); export the table again or save it as .csv"
        ) from None
