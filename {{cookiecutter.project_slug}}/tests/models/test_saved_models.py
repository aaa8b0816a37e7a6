"""Models saved before the engine's move still load, and the table of moved modules is current.

tests/fixtures/legacy_names.json lists every class and function a pickle could name in each file of the
study's flat module as it was at the template's last commit with that layout (read from the
template's git history by tools/legacy_names.py in the template; a baked project has no such
history). Every one of them must still resolve through models/saved.py to an object of that name.
"""

import importlib
import json
import sys
import types
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.common.names import ENGINE, STUDY
from {{ cookiecutter.module_name }}_engine.modalities.tabular import features as table_features
from {{ cookiecutter.module_name }}_engine.models import nets, preprocess
from {{ cookiecutter.module_name }}_engine.models.saved import MOVED_MODULES, MOVED_NAMES, current_location, load_model

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEGACY = json.loads((FIXTURES / "legacy_names.json").read_text(encoding="utf-8"))


def dump_under_old_names(path, model, old_homes):
    """joblib.dump `model` as the flat layout wrote it: each object named `<study>.<old file>.<name>`.

    For the dump only, each object's `__module__` says its old file and a stand-in module of that
    name holds it, which is what pickle checks before writing a name.
    """
    with pytest.MonkeyPatch.context() as patch:
        for old, objects in old_homes.items():
            stand_in = types.ModuleType(f"{STUDY}.{old}")
            for obj in objects:
                patch.setattr(obj, "__module__", stand_in.__name__)
                setattr(stand_in, obj.__name__, obj)
            patch.setitem(sys.modules, stand_in.__name__, stand_in)
        joblib.dump(model, path)


def small_table(rows=40):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=rows), "b": rng.normal(size=rows), "kind": rng.choice(["x", "y"], rows)})
    y = np.where(X["a"] + (X["kind"] == "x") > 0.5, "high", "low")
    return X, y


def old_network_pipeline(tmp_path):
    """The engine's preprocessing (as_text for the category column) and network, saved as the flat layout saved them."""
    X, y = small_table()
    model = make_pipeline(preprocess.make_preprocessor(X), nets.TorchMLPClassifier(hidden=(8,), epochs=3, seed=0))
    model.fit(X, y)
    path = tmp_path / "network.joblib"
    dump_under_old_names(path, model, {"nets": [nets.TorchMLPClassifier, nets.MLP],
                                       "preprocess": [table_features.as_text]})
    return path, model, X


def test_a_model_saved_under_the_flat_layout_loads_and_predicts_as_before(tmp_path):
    path, model, X = old_network_pipeline(tmp_path)
    data = path.read_bytes()
    assert f"{STUDY}.nets".encode() in data and f"{STUDY}.preprocess".encode() in data
    with pytest.raises(ModuleNotFoundError, match=rf"{STUDY}\.(nets|preprocess)"):
        joblib.load(path)  # what release and notebooks 06-07 did before

    loaded = load_model(path)
    network = loaded.steps[-1][1]
    assert type(network) is nets.TorchMLPClassifier and type(network.module_) is nets.MLP
    text = loaded.steps[0][1].named_transformers_["categorical"].named_steps["text"]
    assert text.func is table_features.as_text
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X))
    assert f"{STUDY}.nets" not in sys.modules  # the old names were only seen by the one unpickler


def test_a_model_saved_now_loads_as_joblib_loads_it(tmp_path):
    X, y = small_table()
    model = make_pipeline(FunctionTransformer(table_features.as_text), FunctionTransformer(np.asarray))
    path = tmp_path / "now.joblib"
    joblib.dump((model.fit(X, y), np.arange(5.0)), path)
    assert f"{ENGINE}.modalities.tabular.features".encode() in path.read_bytes()
    loaded, array = load_model(path)
    np.testing.assert_array_equal(array, joblib.load(path)[1])
    assert loaded.steps[0][1].func is table_features.as_text
    np.testing.assert_array_equal(loaded.transform(X), model.transform(X))


def test_a_name_the_engine_lost_is_refused_naming_the_file(tmp_path):
    gone = type("RetiredNet", (), {})
    path = tmp_path / "retired.joblib"
    dump_under_old_names(path, gone(), {"nets": [gone]})
    with pytest.raises(LabError, match=rf"retired\.joblib .*{STUDY}\.nets\.RetiredNet.*run --from 05"):
        load_model(path)


def test_names_outside_the_old_files_are_not_redirected():
    assert current_location(f"{STUDY}.models", "Anything") is None  # the study's own modules stay its own
    assert current_location(f"{ENGINE}.models.nets", "MLP") is None
    assert current_location("sklearn.pipeline", "Pipeline") is None
    assert current_location(f"{STUDY}.nets", "MLP") == (f"{ENGINE}.models.nets", "MLP")


def test_the_table_covers_exactly_the_old_files():
    assert set(MOVED_MODULES) == set(LEGACY["modules"])
    stale = [key for key in MOVED_NAMES if key[1] not in LEGACY["modules"].get(key[0], [])]
    assert not stale, f"MOVED_NAMES lists names the old files never defined: {stale}"


def test_every_class_and_function_of_the_old_files_resolves_in_the_engine():
    lost = []
    for old, names in LEGACY["modules"].items():
        for name in names:
            module, _ = current_location(f"{STUDY}.{old}", name)
            try:
                obj = getattr(importlib.import_module(module), name)
            except (ImportError, AttributeError) as error:
                lost.append(f"{old}.{name} -> {module}: {error}")
                continue
            if getattr(obj, "__name__", None) != name:
                lost.append(f"{old}.{name} -> {module}.{name} is {obj!r}, not the {name} the old file defined")
    assert not lost, (
        f"{len(lost)} names a saved model may hold no longer resolve; say where each lives now in MOVED_NAMES "
        "(or MOVED_MODULES) in models/saved.py:\n" + "\n".join(lost)
    )
    assert {"nets", "preprocess", "conv_nets", "regression_nets"} <= set(LEGACY["modules"])  # not a stub
