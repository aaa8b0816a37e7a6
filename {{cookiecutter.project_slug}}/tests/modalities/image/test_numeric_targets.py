"""Image studies with a numeric target, and the background-swap shortcut check (notebook 06)."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.pipeline import Pipeline

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.modalities.image.features import ImagePixels, image_overview
from {{ cookiecutter.module_name }}_engine.modalities.image.frame import ImageFrame
from {{ cookiecutter.module_name }}_engine.modalities.image.loading import load_images
from {{ cookiecutter.module_name }}_engine.modalities.image.shortcut import background_masks, background_swap, swap_sentence
from {{ cookiecutter.module_name }}_engine.modalities.image.simulate import (
    TARGET,
    TRANSLOCATION,
    simulate_cells,
    simulate_translocation,
    write_cells,
)
from {{ cookiecutter.module_name }}_engine.modalities.image.spec import ImageSpec
from {{ cookiecutter.module_name }}_engine.tasks.registry import task_named
from {{ cookiecutter.module_name }}_engine.tasks.regression.interpret import residual_examples

SMALL = {"n_plates": 1, "sites_per_plate": 2, "images_per_site": 8, "size": 32}


def regression_config(target=TARGET):
    data = SimpleNamespace(path="cells", labels="cells.csv", id_column="file", target=target, group_column="site",
                           positive_class=None, metadata_columns=[])
    return SimpleNamespace(data=data, image=ImageSpec(), modality="image", task="regression")


# simulation --------------------------------------------------------------------------------------
def test_translocation_target_is_seeded_written_in_the_images_and_higher_on_artefact_sites():
    images, table, params = simulate_translocation(seed=3)
    again, table_again, _ = simulate_translocation(seed=3)
    assert np.array_equal(images, again) and table.equals(table_again)
    target = table[TARGET].to_numpy()
    assert params["target"] == TARGET and 0.0 < target.min() and target.max() <= 1.0
    artefact = table["artefact"].to_numpy()
    assert target[artefact].mean() - target[~artefact].mean() > 0.3  # the planted confound: site goes with target
    # the images encode the target: the more marker in the nuclei, the more it follows the nuclear stain
    pixels = images.astype(float).reshape(len(images), 2, -1)
    follows = np.array([np.corrcoef(nucleus, marker)[0, 1] for nucleus, marker in pixels])
    assert np.corrcoef(follows, target)[0, 1] > 0.9


def test_translocation_refuses_unknown_settings():
    with pytest.raises(LabError, match="simulate_translocation has no setting level"):
        simulate_translocation(level=0.5)


def test_restore_builtin_draws_the_translocation_folder_again(tmp_path):
    from {{ cookiecutter.module_name }}_engine.data.provenance import add_source, verify_inputs

    (tmp_path / "data").mkdir()
    params = write_cells(tmp_path / "cells", tmp_path / "cells.csv", TRANSLOCATION, **SMALL, seed=4)
    assert TARGET in pd.read_csv(tmp_path / "cells.csv").columns
    add_source(tmp_path, "cells", {})
    manifest = yaml.safe_load((tmp_path / "data/manifest.yaml").read_text())
    manifest["files"][0]["generator"] = {"name": TRANSLOCATION, "params": {**params, "table": "cells.csv"}}
    (tmp_path / "data/manifest.yaml").write_text(yaml.safe_dump(manifest))
    for path in (tmp_path / "cells").iterdir():
        path.unlink()
    (tmp_path / "cells").rmdir()
    assert verify_inputs(tmp_path, ["cells"], "lab") == {"cells": manifest["files"][0]["sha256"]}


# reading a numeric target -------------------------------------------------------------------------
def test_load_images_reads_a_numeric_target_for_regression(tmp_path):
    write_cells(tmp_path / "cells", tmp_path / "cells.csv", TRANSLOCATION, **SMALL, seed=1)
    data = load_images(regression_config(), tmp_path, task_named("regression"))
    table = pd.read_csv(tmp_path / "cells.csv").sort_values("file")
    assert data.y.dtype == np.float64 and data.classes == ()
    assert np.allclose(data.y, table[TARGET].to_numpy())
    overview = image_overview(data.image_info, task_named("regression").floor_counts(data.y, "all images"), 100)
    assert overview["images_per_class"] == {"all images": 16} and overview["below_floor"] == ["all images"]


def test_a_non_numeric_image_target_names_its_line(tmp_path):
    write_cells(tmp_path / "cells", tmp_path / "cells.csv", TRANSLOCATION, **SMALL, seed=1)
    table = pd.read_csv(tmp_path / "cells.csv", dtype=str)
    table.loc[5, TARGET] = "n.d."
    table.to_csv(tmp_path / "cells.csv", index=False)
    with pytest.raises(LabError, match=r"cells\.csv: target column 'nuclear_share' .* holds 'n\.d\.' on line 7"):
        load_images(regression_config(), tmp_path, task_named("regression"))


def test_config_accepts_task_regression_for_images(tmp_path):
    from {{ cookiecutter.module_name }}_engine.settings.config import load_config

    raw = yaml.safe_load((Path(__file__).resolve().parents[3] / "lab.yaml").read_text())
    raw.update(modality="image", task="regression")
    raw["data"] = {"path": "cells", "labels": "cells.csv", "target": TARGET, "id_column": "file"}
    raw.pop("sequence", None)
    raw["network"] = {k: v for k, v in raw["network"].items() if k not in ("kernel_size", "both_strands")}
    raw["tuning"] = {**raw.get("tuning", {}), "families": ["ridge", "network"], "metric": "r2"}
    raw["image"] = {"background_min_shift": 0.1}
    (tmp_path / "lab.yaml").write_text(yaml.safe_dump(raw))
    cfg = load_config(tmp_path / "lab.yaml")
    assert cfg.task == "regression" and cfg.image.background_min_shift == 0.1


# the image network with a regression head ---------------------------------------------------------
def test_image_regression_network_predicts_the_target_in_its_units_and_is_deterministic(tmp_path):
    from {{ cookiecutter.module_name }}_engine.tasks.regression.networks import TorchImageCNNRegressor, make_regression_network

    write_cells(tmp_path / "cells", tmp_path / "cells.csv", TRANSLOCATION, n_plates=1, sites_per_plate=2,
                images_per_site=40, size=24, artefact_sites=[], seed=5)
    data = load_images(regression_config(), tmp_path, task_named("regression"))
    train, tune = np.arange(0, 80, 2), np.arange(1, 80, 2)
    X_train, X_tune = data.X.iloc[train].reset_index(drop=True), data.X.iloc[tune].reset_index(drop=True)
    params = {"epochs": 30, "channels": 8, "hidden": [16], "lr": 0.01, "augment": True}
    model = make_regression_network(X_train, params, seed=0)
    assert isinstance(model[-1], TorchImageCNNRegressor)
    model.fit(X_train, data.y[train])
    again = make_regression_network(X_train, params, seed=0).fit(X_train, data.y[train])
    predicted = model.predict(X_tune)
    assert predicted.shape == (40,) and np.array_equal(predicted, again.predict(X_tune))
    assert abs(model[-1].target_mean_ - data.y[train].mean()) < 1e-9
    assert np.corrcoef(predicted, data.y[tune])[0, 1] > 0.6  # it reads the marker's localisation
    with pytest.raises(AttributeError, match="predicts numbers"):
        _ = model[-1].predict_proba


def test_residual_examples_pick_the_best_and_worst_predicted():
    picked = residual_examples([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.5, 0.0, 4.1, 5.0], per_group=2)
    assert [p["row"] for p in picked] == [0, 4, 2, 1]
    assert [p["kind"] for p in picked] == ["smallest |residual|"] * 2 + ["largest |residual|"] * 2
    assert picked[2]["residual"] == 3.0 and picked[2]["mark"] == "pred 0"


# the background swap ------------------------------------------------------------------------------
class _Reader:
    """A stand-in network: reads the four corners (where vignetting shows) or the brightest marker pixels (cells)."""

    def __init__(self, kind, X, regression=False):
        self.kind, self.module_ = kind, object()
        values = self._value(ImagePixels().fit(X).transform(X))
        self.centre, self.gain = float(np.median(values)), 3.0 / float(values.std())
        if regression:
            self.target_scale_ = 0.5

    def _value(self, features):
        pixels = features.reshape(len(features), 2, 32, 32)
        if self.kind == "corners":
            corners = [pixels[:, :, :4, :4], pixels[:, :, :4, -4:], pixels[:, :, -4:, :4], pixels[:, :, -4:, -4:]]
            return np.concatenate(corners, axis=2).mean(axis=(1, 2, 3))
        return np.percentile(pixels[:, 1].reshape(len(features), -1), 99, axis=1)

    def predict_proba(self, features):
        p = 1 / (1 + np.exp(-self.gain * (self._value(features) - self.centre)))
        return np.column_stack([1 - p, p])

    def predict(self, features):
        return 0.5 * self.gain * (self._value(features) - self.centre)


def _frame(tmp_path, **settings):
    images, table, _ = simulate_cells(n_plates=2, sites_per_plate=2, images_per_site=10, size=32,
                                      artefact_sites=["P1-S1", "P2-S2"], seed=1, **settings)
    np.save(tmp_path / "pixels.npy", (images / 65535.0).astype(np.float32))
    return ImageFrame.of([f"i{k}" for k in range(len(images))], tmp_path), table["site"].to_numpy()


def _model(X, kind, regression=False):
    return Pipeline([("prep", ImagePixels().fit(X)), ("model", _Reader(kind, X, regression))])


@pytest.mark.parametrize("regression", [False, True])
def test_background_swap_flags_a_network_reading_the_vignetted_corners_not_one_reading_cells(tmp_path, regression):
    X, sites = _frame(tmp_path)
    reads_corners = background_swap(_model(X, "corners", regression), X, sites, 3, 0.05, seed=0, group_name="site")
    assert reads_corners["flagged"] and reads_corners["excess_ci95"][0] > 0
    assert set(reads_corners["shift_by_group"]) == set(sites) and "FLAGGED" in swap_sentence(reads_corners)
    assert "by site: P1-S1 " in swap_sentence(reads_corners)
    reads_cells = background_swap(_model(X, "cells", regression), X, sites, 3, 0.05, seed=0, group_name="site")
    assert reads_cells["measured"] and not reads_cells["flagged"] and reads_cells["shift_other_group"] < 0.01


def test_background_swap_is_not_flagged_when_the_artefact_is_switched_off(tmp_path):
    X, sites = _frame(tmp_path, artefact_gain=1.0, vignetting=0.0, artefact_offset=0.0)
    result = background_swap(_model(X, "corners"), X, sites, 3, 0.05, seed=0, group_name="site")
    assert result["measured"] and result["shift_same_group"] > 0.05  # the corner reader moves with noise alone …
    assert not result["flagged"] and abs(result["excess"]) < 0.05  # … but no more with another site's background


def test_background_swap_needs_two_sites_and_masks_keep_the_cells(tmp_path):
    X, _ = _frame(tmp_path)
    result = background_swap(_model(X, "cells"), X, ["one"] * len(X), 3, 0.05)
    assert not result["measured"] and "fewer than two" in swap_sentence(result)
    pixels = X.pixels()
    masks = background_masks(pixels, 0)
    wider = background_masks(pixels, 3)
    assert (wider <= masks).all() and wider.mean() < masks.mean() < 1.0  # the margin widens what counts as cell
    with pytest.raises(LabError, match="image.background_margin"):
        background_masks(pixels, -1)


def test_background_swap_finding_is_raised_when_flagged():
    from {{ cookiecutter.module_name }}_engine.ethics.auto_findings import shortcut_findings

    swap = {"flagged": True, "grouped_by": "site", "shift_other_group": 0.2, "shift_same_group": 0.02,
            "unit": "total-variation distance between class probabilities"}
    found = shortcut_findings({"saliency": {"background_swap": swap}})
    assert [f.check for f in found] == ["saliency:background_swap"] and "reads the background" in found[0].title
    assert shortcut_findings({"saliency": {"background_swap": {**swap, "flagged": False}}}) == []
