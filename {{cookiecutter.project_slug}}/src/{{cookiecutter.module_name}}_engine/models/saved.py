"""Saved models, loaded whichever layout of the code saved them (joblib pickles).

A run saves its fitted models with joblib (`Run.save_models`), and a pickle names each class and
function it holds by the module that defined it. Before the protocol moved into the engine package,
that code lived in flat files of the study's own module, so a model saved then names paths such as
`<study>.nets.TorchMLPClassifier` or `<study>.preprocess.as_text`, which no longer exist.

`load_model` reads a joblib file with joblib's own unpickler, taught one thing more: a name that
does not resolve as written, under one of the study module's old files, is looked up where that
file's code lives now (MOVED_MODULES, or MOVED_NAMES for a class or function that moved on later).
A pickle whose names all resolve loads exactly as `joblib.load` loads it. Nothing outside the one
unpickler reading the file changes, so no other import ever sees the old names.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..common.errors import LabError
from ..common.names import COMMAND, ENGINE, STUDY

# Each file of the study's flat module before the move (up to commit a093721) that defined something a
# saved model holds (an estimator, a network, a transformer or a function a transformer keeps) -> the
# engine module that holds its code now, relative to the engine package. When code moves again inside
# the engine, change its line here (a whole module) or add a line to MOVED_NAMES (single names):
# tests/models/test_saved_models.py resolves every such name (tests/fixtures/legacy_names.json) through this
# table and names each one that no longer lands on its object.
MOVED_MODULES = {
    "conv_nets": "modalities.sequence.network",
    "image_features": "modalities.image.features",
    "image_nets": "modalities.image.layers",
    "nets": "models.nets",
    "preprocess": "models.preprocess",
    "regression_nets": "tasks.regression.networks",
    "scale": "evaluation.scale",
    "sequence_features": "modalities.sequence.features",
}

# (old flat file, class or function) -> the engine module holding it now, where that is not the
# module MOVED_MODULES gives for its file (it moved again after the move into the engine).
MOVED_NAMES: dict[tuple[str, str], str] = {
    ("conv_nets", "TorchImageCNNClassifier"): "modalities.image.network",  # the image CNN went to its modality
    ("preprocess", "as_text"): "modalities.tabular.features",  # the table preprocessing went to its modality
}


def current_location(module: str, name: str) -> tuple[str, str] | None:
    """Where `module.name`, as a pickle saved before the move names it, lives in the engine now.

    None when `module` is not one of the study module's old flat files. `name` may be a qualified
    name (`Outer.Inner`); its first part decides.
    """
    package, _, old = module.partition(".")
    if package != STUDY or old not in MOVED_MODULES:
        return None
    return f"{ENGINE}.{MOVED_NAMES.get((old, name.split('.')[0]), MOVED_MODULES[old])}", name


def missing_module(error: ModuleNotFoundError, module: str) -> bool:
    """True when the import failed because `module` itself (or a package above it) does not exist.

    A module that exists but fails on an import of its own is a different problem, not hidden here.
    """
    missing = error.name or ""
    return bool(missing) and (module == missing or module.startswith(missing + "."))


@cache
def _unpickler():
    """joblib's unpickler, finding the names of the old layout (built on first use: joblib loads lazily)."""
    from joblib.numpy_pickle import NumpyUnpickler

    class LayoutUnpickler(NumpyUnpickler):
        def find_class(self, module, name):
            try:
                return super().find_class(module, name)
            except (ModuleNotFoundError, AttributeError) as error:
                moved = current_location(module, name)
                if moved is None or (isinstance(error, ModuleNotFoundError) and not missing_module(error, module)):
                    raise
            try:
                return super().find_class(*moved)
            except (ImportError, AttributeError):
                raise LabError(
                    f"{self.filename} holds a model that names {module}.{name}, which the engine no longer has at "
                    f"{moved[0]}; save the model again with this code (`{COMMAND} run --from 05`)"
                ) from None

    return LayoutUnpickler


def load_model(path: str | Path):
    """The object a joblib file holds, whether it was saved before the engine's move or after it.

    Reads the file as `joblib.load(path)` does (compressed or not, arrays native byte order).
    """
    import joblib
    from joblib.numpy_pickle import _validate_fileobject_and_memmap

    filename = str(path)
    with open(filename, "rb") as handle:
        with _validate_fileobject_and_memmap(handle, filename, None) as (fobj, _):
            if isinstance(fobj, str):  # a pickle of joblib < 0.10, with arrays in companion files
                return joblib.load(filename)
            return _unpickler()(filename, fobj, ensure_native_byte_order=True).load()
