"""Modules imported on first use, so notebooks that only read results skip their import cost."""

import contextlib
import importlib
import sys


class Lazy:
    """A module imported on first use: notebooks that only read results (05-07) skip optuna's import."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attribute):
        return getattr(importlib.import_module(self._name), attribute)


optuna = Lazy("optuna")


@contextlib.contextmanager
def quiet_optuna():
    """Optuna's own log held at warnings while a study is created or opened."""
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)


def without_iri_grammars():
    """Keep jsonschema from compiling rfc3987-syntax's IRI grammars on import (about 0.7 CPU-s per process).

    nbformat (under papermill and nbconvert) imports jsonschema, which registers its `iri` format
    checks by importing rfc3987-syntax when that is installed (JupyterLab installs it), and that
    compiles 38 grammars. Nothing here checks formats (nbformat validates structure; the DOME
    Registry check uses no format checker), so within this process the package counts as absent.
    Does nothing once jsonschema has been imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
