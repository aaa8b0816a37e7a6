"""Columns lab.yaml declares per sample (subgroup and metadata columns), read from the study's own files."""

from ..common.errors import LabError
from .loading import sample_table


def declared_columns(cfg, root, field):
    """The raw columns lab.yaml names under data.<field>, one row per sample in file order.

    A name the data file lacks is one sentence naming lab.yaml, the field and the columns there are.
    """
    names = list(getattr(cfg.data, field))
    frame, source = sample_table(cfg, root)
    absent = [name for name in names if name not in frame.columns]
    if absent:
        shown = ", ".join(map(str, frame.columns)) or "none"
        raise LabError(
            f"lab.yaml field 'data.{field}' names column(s) {', '.join(absent)}, which {source} does not "
            f"have; use columns from this list or remove the name: {shown}"
        )
    reserved = [name for name in names if name == cfg.data.target]
    if reserved:
        raise LabError(
            f"lab.yaml field 'data.{field}' names the target column '{cfg.data.target}'; "
            "a subgroup or metadata column must describe the samples, not the label, so remove it"
        )
    return frame[names].reset_index(drop=True)


def check_declared_columns(cfg, root):
    """Fail early, before any notebook runs, when a declared subgroup or metadata column is absent."""
    for field in ("subgroup_columns", "metadata_columns"):
        if getattr(cfg.data, field):
            declared_columns(cfg, root, field)
