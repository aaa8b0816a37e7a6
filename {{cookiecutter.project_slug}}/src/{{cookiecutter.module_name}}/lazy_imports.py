"""Modules imported on first use, so notebooks that only read results skip their import cost."""

import contextlib
import importlib


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
