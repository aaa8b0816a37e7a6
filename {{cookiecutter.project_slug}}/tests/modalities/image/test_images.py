"""Image studies: reading and checking a folder, the memory-mapped store, features, the CNN, saliency, provenance."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import tifffile
import torch
import yaml
from PIL import Image

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.modalities.image.features import (
    ImagePixels,
    duplicate_images,
    feature_names,
    image_features,
    image_overview,
    intensity_table,
)
from {{ cookiecutter.module_name }}_engine.modalities.image.frame import ImageFrame
from {{ cookiecutter.module_name }}_engine.modalities.image.layers import ImageCNN, augment
from {{ cookiecutter.module_name }}_engine.modalities.image.loading import load_images
from {{ cookiecutter.module_name }}_engine.modalities.image.reading import (
    apply_size_policy,
    changed_files,
    check_channels,
    file_hashes,
    folder_sha256,
    match_table,
    read_image,
    saturation_warnings,
)
from {{ cookiecutter.module_name }}_engine.modalities.image.simulate import simulate_cells, write_cells
from {{ cookiecutter.module_name }}_engine.modalities.image.spec import ImageSpec
from {{ cookiecutter.module_name }}_engine.modalities.registry import modality_named
from {{ cookiecutter.module_name }}_engine.tasks.registry import task_named


def small_set(root: Path, n=16, size=32, seed=0):
    """n simulated two-channel images in root/cells with their table root/cells.csv."""
    write_cells(root / "cells", root / "cells.csv", n_plates=1, sites_per_plate=2, images_per_site=n // 2,
                size=size, artefact_sites=["P1-S1"], seed=seed)
    return root / "cells", root / "cells.csv"


def config(root: Path, **image):
    data = SimpleNamespace(path="cells", labels="cells.csv", id_column="file", target="label", group_column="site",
                           positive_class=None)
    return SimpleNamespace(data=data, image=ImageSpec(**image), modality="image")


# simulation --------------------------------------------------------------------------------------
def test_simulation_is_seeded_and_plants_the_site_artefact():
    images, table, params = simulate_cells(n_plates=2, sites_per_plate=2, images_per_site=40, size=32,
                                           artefact_sites=["P1-S1", "P2-S2"], seed=3)
    again, _, _ = simulate_cells(n_plates=2, sites_per_plate=2, images_per_site=40, size=32,
                                 artefact_sites=["P1-S1", "P2-S2"], seed=3)
    assert images.shape == (160, 2, 32, 32) and images.dtype == np.uint16 and np.array_equal(images, again)
    artefact = table["artefact"].to_numpy()
    brightness = images.reshape(len(images), -1).mean(axis=1)
    assert brightness[artefact].mean() > 1.15 * brightness[~artefact].mean()  # brighter sites
    share = table.groupby("artefact")["label"].apply(lambda s: (s == "cytoplasmic").mean())
    assert share[True] > 0.75 and share[False] < 0.4  # the site goes with the label
    assert params["counts"] == table["label"].value_counts().sort_index().to_dict()


def test_simulation_refuses_unknown_settings():
    with pytest.raises(LabError, match="no setting colour"):
        simulate_cells(colour="red")


# reading and checking -----------------------------------------------------------------------------
def test_read_image_gives_channels_first_for_png_and_tiff(tmp_path):
    Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8)).save(tmp_path / "a.png")
    Image.fromarray(np.zeros((8, 6, 3), np.uint8)).save(tmp_path / "rgb.png")
    tifffile.imwrite(tmp_path / "b.tif", np.ones((2, 8, 8), np.uint16) * 7)
    assert read_image(tmp_path / "a.png", "a").shape == (1, 8, 8)
    assert read_image(tmp_path / "rgb.png", "rgb").shape == (3, 8, 6)
    b = read_image(tmp_path / "b.tif", "b")
    assert b.shape == (2, 8, 8) and b.dtype == np.uint16 and int(b.max()) == 7


def test_read_image_names_a_truncated_file(tmp_path):
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (32, 32), dtype=np.uint8)).save(tmp_path / "t.png")
    data = (tmp_path / "t.png").read_bytes()
    (tmp_path / "t.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(LabError, match=r"cells/t\.png could not be read as an image .*truncated"):
        read_image(tmp_path / "t.png", "cells/t.png")


def test_match_table_names_missing_and_unlisted_images():
    table = pd.DataFrame({"file": ["a.tif", "b.tif"], "label": ["x", "y"]})
    with pytest.raises(LabError, match=r"lists image\(s\) b\.tif that are not in cells"):
        match_table(table, ["a.tif"], "file", "t.csv", "cells")
    with pytest.raises(LabError, match=r"cells holds image\(s\) c\.tif with no row in t\.csv"):
        match_table(table, ["a.tif", "b.tif", "c.tif"], "file", "t.csv", "cells")
    with pytest.raises(LabError, match=r"t\.csv has no column 'name'"):
        match_table(table, ["a.tif", "b.tif"], "name", "t.csv", "cells")
    match_table(table, ["a.tif", "b.tif"], "file", "t.csv", "cells")


def test_channels_must_agree():
    images = [np.zeros((2, 4, 4)), np.zeros((1, 4, 4))]
    with pytest.raises(LabError, match=r"cells/b\.png has 1 channel\(s\) but cells/a\.png has 2"):
        check_channels(images, ["a.png", "b.png"], "cells")
    assert check_channels(images[:1], ["a.png"], "cells") == 2


def test_size_policies():
    images = [np.ones((1, 10, 10), np.uint8), np.ones((1, 12, 14), np.uint8) * 3]
    with pytest.raises(LabError, match=r"cells/b\.png is 12x14 pixels .*size_policy: reject"):
        apply_size_policy(images, ["a.png", "b.png"], "reject", None, "cells")
    cropped, info = apply_size_policy(images, ["a.png", "b.png"], "crop", None, "cells")
    assert cropped.shape == (2, 1, 10, 10) and info["n_changed"] == 1 and float(cropped[1].mean()) == 3.0
    resized, info = apply_size_policy(images, ["a.png", "b.png"], "resize", 6, "cells")
    assert resized.shape == (2, 1, 6, 6) and info["n_changed"] == 2
    with pytest.raises(LabError, match="smaller than the 16x16 crop"):
        apply_size_policy(images, ["a.png", "b.png"], "crop", 16, "cells")


def test_saturated_16_bit_channel_is_warned():
    image = np.zeros((2, 10, 10), np.uint16)
    image[1, :5] = 65535
    found = saturation_warnings([image, image[:, :, :].astype(np.uint8)], ["s.tif", "e.png"], "cells", 0.01)
    assert len(found) == 1 and "cells/s.tif: channel 1 has 50.0% of its pixels at 65535" in found[0]["message"]


def test_folder_hash_names_changed_images(tmp_path):
    folder, _ = small_set(tmp_path, n=4)
    before = file_hashes(folder)
    (folder / "P1-S1_000.tif").write_bytes(b"other")
    after = file_hashes(folder)
    assert folder_sha256(before) != folder_sha256(after)
    assert changed_files(before, after) == ["P1-S1_000.tif (changed)"]
    assert changed_files({**before, "z.tif": "0"}, before) == ["z.tif (removed)"]


# store, frame, features ---------------------------------------------------------------------------
def test_load_images_decodes_once_into_a_memory_map(tmp_path):
    small_set(tmp_path, n=12)
    data = load_images(config(tmp_path), tmp_path, task_named("classification"))
    assert isinstance(data.X, ImageFrame) and len(data.X) == 12 and data.X.image_shape == (2, 32, 32)
    assert data.n_features == 2 * 32 * 32 and data.groups is not None and set(data.classes) <= {"cytoplasmic",
                                                                                                  "nuclear"}
    store = Path(data.X.store)
    assert store.parent == tmp_path / "data/interim/images"
    stamp = (store / "pixels.npy").stat().st_mtime_ns
    subset = data.X.iloc[[3, 1]].reset_index(drop=True)
    assert isinstance(subset, ImageFrame) and subset.store == data.X.store
    assert np.array_equal(subset.pixels()[0], data.X.pixels()[3]) and float(data.X.pixels().max()) <= 1.0
    again = load_images(config(tmp_path), tmp_path, task_named("classification"))
    assert (store / "pixels.npy").stat().st_mtime_ns == stamp and again.X.store == data.X.store  # not decoded again


def test_features_have_one_value_per_name_and_see_the_marker(tmp_path):
    small_set(tmp_path, n=16)
    data = load_images(config(tmp_path), tmp_path, task_named("classification"))
    features = data.X.features()
    assert features.shape == (16, len(feature_names(2))) and np.isfinite(features).all()
    stack = data.X.pixels()
    assert np.allclose(image_features(stack[:2]), features[:2])
    table = intensity_table(stack, data.y, "label")
    assert list(table.columns) == ["channel 0", "channel 1"] and set(table.index) == set(data.y)


def test_duplicates_exact_and_near():
    rng = np.random.default_rng(1)
    stack = rng.random((5, 1, 32, 32))
    stack[3] = stack[0]  # exact copy
    stack[4] = stack[1] + rng.normal(0, 0.003, (1, 32, 32))  # the same image with a little noise
    groups, pairs = duplicate_images(stack)
    assert groups == [[0, 3]] and pairs == [(1, 4)]


def test_image_pixels_standardise_with_training_channels(tmp_path):
    small_set(tmp_path, n=8)
    X = load_images(config(tmp_path), tmp_path, task_named("classification")).X
    encoder = ImagePixels().fit(X.iloc[:4])
    rows = encoder.transform(X.iloc[:4]).reshape(4, 2, 32, 32)
    assert np.allclose(rows.mean(axis=(0, 2, 3)), 0, atol=1e-5) and np.allclose(rows.std(axis=(0, 2, 3)), 1, atol=1e-3)


def test_image_overview_counts_against_the_floor():
    info = {"height": 8, "width": 8, "channels": 1, "bit_depth": [8], "policy": "reject", "sizes_seen": ["8x8"]}
    counts = task_named("classification").floor_counts(np.array(["a"] * 120 + ["b"] * 30), "all images")
    overview = image_overview(info, counts, 100)
    assert overview["below_floor"] == ["b"] and overview["images_per_class"] == {"a": 120, "b": 30}


# network -----------------------------------------------------------------------------------------
def test_augment_keeps_shape_and_is_seeded():
    x = torch.arange(2 * 1 * 4 * 4, dtype=torch.float32).reshape(2, 1, 4, 4)
    torch.manual_seed(0)
    a = augment(x)
    torch.manual_seed(0)
    assert torch.equal(a, augment(x)) and a.shape == x.shape
    assert not torch.equal(a, x)  # something moved or changed brightness
    sums = sorted(a.flatten(1).sum(1).tolist())
    assert sums == pytest.approx(sorted(x.flatten(1).sum(1).tolist()), rel=0.11)  # jitter is small


def test_cnn_augments_only_while_training():
    module = ImageCNN(1, 8, 8, channels=4, hidden=(4,), augment=True)
    x = torch.rand(3, 64)
    module.eval()
    assert torch.equal(module(x), module(x))


def test_image_network_learns_the_phenotype_and_is_deterministic(tmp_path):
    from {{ cookiecutter.module_name }}_engine.models.networks import make_network
    from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import score_model

    write_cells(tmp_path / "cells", tmp_path / "cells.csv", n_plates=1, sites_per_plate=2, images_per_site=40,
                size=24, artefact_sites=[], other_share=0.5, seed=5)
    data = load_images(config(tmp_path), tmp_path, task_named("classification"))
    train, tune = np.arange(0, 80, 2), np.arange(1, 80, 2)
    X_train, X_tune = data.X.iloc[train].reset_index(drop=True), data.X.iloc[tune].reset_index(drop=True)
    params = {"epochs": 25, "channels": 8, "hidden": [16], "lr": 0.01, "augment": True}
    model = make_network(X_train, params, seed=0).fit(X_train, data.y[train])
    again = make_network(X_train, params, seed=0).fit(X_train, data.y[train])
    assert np.array_equal(model.predict_proba(X_tune), again.predict_proba(X_tune))
    assert score_model(model, X_tune, data.y[tune]) > 0.8


def test_transfer_from_a_local_resnet_checkpoint(tmp_path):
    from {{ cookiecutter.module_name }}_engine.modalities.image.layers import ResNet18 as resnet18
    from {{ cookiecutter.module_name }}_engine.models.networks import make_network

    weights = tmp_path / "resnet18.pth"
    torch.manual_seed(0)
    torch.save(resnet18().state_dict(), weights)  # the layout of torchvision's resnet18().state_dict()
    small_set(tmp_path, n=8)
    data = load_images(config(tmp_path), tmp_path, task_named("classification"))
    model = make_network(data.X, {"epochs": 1, "pretrained": str(weights), "freeze_pretrained": True}, seed=0)
    model.fit(data.X, data.y)
    net = model[-1]
    assert net.pretrained_sha256_ is not None and len(net.pretrained_sha256_) == 64
    trainable = [name for name, p in net.module_.named_parameters() if p.requires_grad]
    assert trainable == ["net.fc.weight", "net.fc.bias"]
    first = resnet18()
    first.load_state_dict(torch.load(weights, weights_only=True))
    expected = first.conv1.weight.mean(dim=1, keepdim=True).repeat(1, 2, 1, 1)
    assert torch.allclose(net.module_.net.conv1.weight, expected)
    bad = tmp_path / "bad.pth"
    torch.save({"conv.weight": torch.zeros(1)}, bad)
    with pytest.raises(LabError, match="is not a torchvision ResNet-18 state dict"):
        make_network(data.X, {"epochs": 1, "pretrained": str(bad)}, seed=0).fit(data.X, data.y)
    with pytest.raises(LabError, match="is not a file; download a ResNet-18 state dict yourself"):
        make_network(data.X, {"epochs": 1, "pretrained": str(tmp_path / "none.pth")}, seed=0).fit(data.X, data.y)


# saliency ----------------------------------------------------------------------------------------
def test_border_shares_flag_attribution_on_the_border():
    from {{ cookiecutter.module_name }}_engine.modalities.image.saliency import region_table, shortcut_shares

    pixels = np.zeros((2, 1, 20, 20))
    pixels[:, :, 8:12, 8:12] = 1.0  # one bright cell in the middle
    on_border = np.zeros_like(pixels)
    on_border[:, :, :2, :] = 1.0
    on_cell = pixels.copy()
    flagged = shortcut_shares(on_border, pixels, border=2)
    assert flagged["border"]["flagged"] and flagged["border"]["attribution_share"] == 1.0 and flagged["flagged"]
    clean = shortcut_shares(on_cell, pixels, border=2)
    assert not clean["flagged"] and clean["background"]["attribution_share"] == 0.0
    table = region_table(on_cell, pixels, border=2).set_index("feature")
    assert table.loc["channel 0 · foreground", "importance_mean"] == 1.0


def test_saliency_examples_pick_right_and_wrong_per_class():
    from {{ cookiecutter.module_name }}_engine.tasks.classification.views import saliency_examples

    picked = saliency_examples(["a", "a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"], per_group=1)
    assert [(p["row"], p["correct"]) for p in picked] == [(0, True), (1, False), (2, True)]


def test_saliency_finding_raised_for_flagged_regions():
    from {{ cookiecutter.module_name }}_engine.ethics.auto_findings import shortcut_findings

    shares = {"border": {"flagged": True, "attribution_share": 0.6, "pixel_share": 0.3},
              "background": {"flagged": False}}
    found = shortcut_findings({"saliency": {"shortcut": shares}})
    assert [f.check for f in found] == ["saliency:regions"] and "border" in found[0].title
    assert shortcut_findings({"saliency": {"shortcut": {"border": {"flagged": False}}}}) == []


# provenance and config ---------------------------------------------------------------------------
def test_data_add_records_a_folder_with_per_file_hashes(tmp_path):
    from {{ cookiecutter.module_name }}_engine.data.provenance import add_source, verify_inputs

    (tmp_path / "data").mkdir()
    small_set(tmp_path, n=4)
    entry = add_source(tmp_path, "cells", {})
    assert entry.sha256 == folder_sha256(file_hashes(tmp_path / "cells")) and len(entry.file_sha256) == 4
    (tmp_path / "cells" / "P1-S2_001.tif").write_bytes(b"changed")
    with pytest.raises(LabError, match=r"cells has changed .*images: P1-S2_001\.tif \(changed\)"):
        verify_inputs(tmp_path, ["cells"], "lab")


def test_a_missing_simulated_folder_is_drawn_again(tmp_path):
    from {{ cookiecutter.module_name }}_engine.data.provenance import add_source, verify_inputs
    from {{ cookiecutter.module_name }}_engine.modalities.image.simulate import GENERATOR

    (tmp_path / "data").mkdir()
    params = write_cells(tmp_path / "cells", tmp_path / "cells.csv", n_plates=1, sites_per_plate=1,
                         images_per_site=3, size=24, artefact_sites=[], seed=2)
    add_source(tmp_path, "cells", {})
    manifest = yaml.safe_load((tmp_path / "data/manifest.yaml").read_text())
    manifest["files"][0]["generator"] = {"name": GENERATOR, "params": {**params, "table": "cells.csv"}}
    (tmp_path / "data/manifest.yaml").write_text(yaml.safe_dump(manifest))
    for path in (tmp_path / "cells").iterdir():
        path.unlink()
    (tmp_path / "cells").rmdir()
    assert verify_inputs(tmp_path, ["cells"], "lab") == {"cells": manifest["files"][0]["sha256"]}


def test_lab_yaml_accepts_an_image_study_and_needs_its_label_table(tmp_path):
    from {{ cookiecutter.module_name }}_engine.settings.config import load_config

    raw = yaml.safe_load((Path(__file__).resolve().parents[3] / "lab.yaml").read_text())
    raw["modality"], raw["task"] = "image", "classification"  # a classification study (any bake's lab.yaml)
    raw["network"].pop("loss", None)
    for key in ("metric", "families"):  # a regression bake names its own
        raw.get("tuning", {}).pop(key, None)
    raw["data"] = {"path": "cells", "labels": "cells.csv", "target": "label", "id_column": "file"}
    raw.pop("sequence", None)
    raw["network"] = {k: v for k, v in raw["network"].items() if k not in ("kernel_size", "both_strands")}
    raw["image"] = {"size_policy": "crop", "size": 48}
    (tmp_path / "lab.yaml").write_text(yaml.safe_dump(raw))
    cfg = load_config(tmp_path / "lab.yaml")
    assert cfg.modality == "image" and cfg.image.size == 48 and cfg.input_paths == ["cells", "cells.csv"]
    raw["data"].pop("labels")
    (tmp_path / "lab.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(LabError, match="an image study needs data.labels"):
        load_config(tmp_path / "lab.yaml")


def test_tuning_holds_augmentation_and_pretrained_weights_fixed(tmp_path):
    from {{ cookiecutter.module_name }}_engine.tuning.search import fixed_params

    cfg = SimpleNamespace(modality="image", task="classification", tuning=SimpleNamespace(fixed={}),
                          budget=SimpleNamespace(epochs=7),
                          image=ImageSpec(augment=False, pretrained_weights="w.pth", freeze_pretrained=True),
                          network=SimpleNamespace(hidden=[8], learning_rate=0.01, batch_size=4, dropout=0.0,
                                                  optimizer="adam", channels=None))
    network = fixed_params(cfg, tmp_path)["network"]
    assert network == {"epochs": 7, "augment": False, "pretrained": str(tmp_path / "w.pth"),
                       "freeze_pretrained": True}


def test_image_studies_are_described_as_images(tmp_path):
    from {{ cookiecutter.module_name }}_engine.data.datasheet import preprocessing_description as datasheet_description
    from {{ cookiecutter.module_name }}_engine.models.preprocess import preprocessing_description
    from {{ cookiecutter.module_name }}_engine.tasks.classification.question import assess_suitability

    small_set(tmp_path, n=4)
    X = load_images(config(tmp_path), tmp_path, task_named("classification")).X
    assert "hand-crafted intensity, texture" in preprocessing_description(X)
    assert "size policy 'crop'" in datasheet_description(SimpleNamespace(modality="image",
                                                                          image=ImageSpec(size_policy="crop")))
    reasons = assess_suitability(np.array(["a", "b"] * 60), 8192, modality_named("image"))["reasons"]
    assert any("convolutional network shares its filters" in reason for reason in reasons)


def test_only_an_image_frame_counts_as_images(tmp_path):
    from {{ cookiecutter.module_name }}_engine.modalities.registry import modality_of
    from {{ cookiecutter.module_name }}_engine.models.networks import make_network

    table = pd.DataFrame({"image_shape": [1.0, 2.0], "modality": [0.0, 1.0]})  # columns named like attributes
    assert modality_of(table).name == "tabular" and type(make_network(table)[-1]).__name__ == "TorchMLPClassifier"
    small_set(tmp_path, n=4)
    assert modality_of(load_images(config(tmp_path), tmp_path, task_named("classification")).X).name == "image"
