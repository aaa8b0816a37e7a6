"""The registry of modalities: the kinds of data a study reads (lab.yaml `modality`), one folder each.

`modality_for(cfg)` gives the Modality of a validated lab.yaml, `modality_of(X)` the one whose data X
holds, `modality_named(name)` the one registered under a name. A new modality is one folder whose
`modality.py` defines a `modalities.contract.Modality` and one line in BUILT_IN below (or a
`register_modality` call); code outside modalities/ asks the Modality instead of testing which it is.
"""

from __future__ import annotations

from .contract import Modality, check_modality
from .image.modality import MODALITY as IMAGE
from .sequence.modality import MODALITY as SEQUENCE
from .tabular.modality import MODALITY as TABULAR

BUILT_IN = (TABULAR, SEQUENCE, IMAGE)  # the first is what a plain table is read as
MODALITIES: dict[str, Modality] = {}


def register_modality(modality: Modality) -> Modality:
    """Add a modality to the registry under its name, after checking it against the contract."""
    problems = check_modality(modality)
    if problems:
        raise TypeError(f"modality {modality.name or type(modality).__name__} does not meet the contract: "
                        f"{'; '.join(problems)}")
    MODALITIES[modality.name] = modality
    return modality


for _modality in BUILT_IN:
    register_modality(_modality)


def modality_names() -> tuple[str, ...]:
    """Every registered modality's name."""
    return tuple(MODALITIES)


def modality_named(name: str) -> Modality:
    """The Modality registered under `name`."""
    return MODALITIES[name]


def modality_for(cfg) -> Modality:
    """The Modality of a validated lab.yaml."""
    return MODALITIES[cfg.modality]


def modality_of(X) -> Modality:
    """The Modality whose data X holds: the first whose frame X is, else a plain table."""
    default = BUILT_IN[0]
    for modality in MODALITIES.values():
        if modality is not default and modality.matches(X):
            return modality
    return default


def network_parameter_names() -> list[str]:
    """Every parameter a network of any registered modality accepts (lab.yaml's tuning.fixed.network may set them)."""
    return sorted({name for registered in MODALITIES.values() for name in registered.network_class()().get_params()})


def settings_sections() -> dict[str, type]:
    """lab.yaml sections that modalities add, and the pydantic model of each."""
    return {m.settings_section: m.settings_model for m in MODALITIES.values() if m.settings_section}
