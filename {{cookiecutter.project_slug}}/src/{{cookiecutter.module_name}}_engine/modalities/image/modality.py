"""Microscopy images (lab.yaml `modality: image`), as the protocol asks for them.

The class holds this modality's answers to the contract in modalities/contract.py; the work is done
in this folder's modules, imported when a method first needs them.
"""

from __future__ import annotations

from pathlib import Path

from ..contract import Modality
from .frame import ImageFrame
from .spec import ImageSpec

CHANNELS = 16  # the 2D CNN's default (network.TorchImageCNNClassifier)


class ImageModality(Modality):
    """A folder of PNG or TIFF images with a label table; pixels decoded once into a memory-mapped store."""

    name = "image"
    samples = "images"
    frame = ImageFrame
    settings_section = "image"
    settings_model = ImageSpec
    architecture = "2D convolutional network (CNN)"
    representation = ("each image as its pixels per channel (standardised with training means), so 3x3 filters shared "
                      "across the image find a cell's texture wherever it lies; flips, 90-degree rotations and a small "
                      "intensity jitter augment training")
    question_note = ("Images are many pixels per sample, but a convolutional network shares its filters across the "
                     "image; with few images per class, augmentation and a pretrained network help, and plates or "
                     "sites must not cross splits (Tips 1, 5 and 7).")
    derived_features = True
    inputs_share_weights = True

    def settings_problem(self, cfg):
        if cfg.data.metadata_as_inputs or not cfg.data.labels:
            return ("an image study needs data.labels (the table of file names and labels) and "
                    "data.metadata_as_inputs: false (the network reads only the pixels)")
        return None

    # data -------------------------------------------------------------------------------------
    def load(self, cfg, root, task):
        from .loading import load_images

        return load_images(cfg, root, task)

    def sample_table(self, cfg, root):
        from .loading import image_table

        return image_table(cfg, root)

    def describe_inputs(self, cfg):
        return (f"images brought to one size (size policy '{cfg.image.size_policy}') and scaled by their bit depth; "
                "the classical models read standardised intensity, texture and shape features, the network reads "
                "the pixels standardised per channel; means and spreads are fitted on the training split only")

    def describe_instances(self, cfg, summary):
        return f"rows of {cfg.data.path}, one sample each, with {summary['n_columns']} features"

    def data_warnings(self, X):
        from ..tabular.checks import column_warnings

        return column_warnings(X)

    def overview(self, data, cfg, task):
        from ...common.sections import Section
        from .features import image_overview

        images = image_overview(data.image_info, task.floor_counts(data.y, "all images"),
                                cfg.thresholds.samples_per_class)
        images["recommendation"] = (
            f"few images in {', '.join(images['below_floor'])}: keep augmentation on (image.augment) and consider a "
            "local pretrained ResNet-18 (image.pretrained_weights)" if images["below_floor"] else
            "enough images for a small CNN trained from scratch, with augmentation measured in notebook 03")
        lines = [f"{sum(images['images_per_class'].values())} images of {images['size']} pixels, "
                 f"{images['channels']} channel(s), {'/'.join(map(str, images['bit_depth']))}-bit, size policy "
                 f"{images['size_policy']} (sizes seen: {', '.join(images['sizes_seen'])}); counted against the "
                 f"floor: {images['images_per_class']}", f"Images: {images['recommendation']}"]
        lines += [f"warning ({item['check']}): {item['message']}" for item in data.image_info.get("warnings", [])]
        return Section(lines=lines, artifact="00_images", record=images)

    def describe(self, cfg, data, labels, summary, task):
        from .exploring import describe_images

        return describe_images(cfg, data, labels, task)

    def structure(self, cfg, data, split, labels, duplicates, summary, task, seed):
        from .exploring import duplicate_and_pca

        return duplicate_and_pca(cfg, data, split, labels, summary, seed)

    def importance(self, cfg, models, baseline, X_train, X_tune, y_tune, repeats, seed, view):
        from .saliency import image_importance

        return image_importance(cfg, models, baseline, X_tune, y_tune, repeats, seed, view)

    def interpretation_extras(self, cfg, root, data, models, X_tune, y_tune, found, view, seed):
        from .saliency import saliency_section

        return saliency_section(cfg, root, data, models, X_tune, y_tune, found, view, seed)

    def comparable(self, tables):
        from .saliency import comparable_tables

        return comparable_tables(tables)

    def seed_importance(self, cfg, network, X_train, X_tune, y_tune, repeats, seed, view, found, extras):
        from .saliency import image_seed_importance

        return image_seed_importance(cfg, network, X_tune)

    # features and networks --------------------------------------------------------------------
    def baseline_features(self, X):
        from .features import make_image_preprocessor

        return make_image_preprocessor(X)

    def features_description(self, X):
        return ("images as hand-crafted intensity, texture (grey-level co-occurrence) and shape (Otsu foreground) "
                "features per channel, standardised with training means and spreads; the network reads the pixels "
                "themselves (notebook 03)")

    def readable_features(self, X):
        from .features import ImageFeatures

        return ImageFeatures()  # hand-crafted features as they are: a rule reads "ch1_mean above 0.1"

    def network_input(self, X):
        from .features import ImagePixels

        return ImagePixels()

    def recorded_params(self, cfg, params):
        return {**params, **({"pretrained": cfg.image.pretrained_weights} if "pretrained" in params else {})}

    def architecture_checks(self, cfg, network, params, X_train, y_train, X_tune, y_tune, task, metric, seed):
        from .augmentation import augmentation_check

        return augmentation_check(network, params, X_train, y_train, X_tune, y_tune, task, metric, seed)

    def network_class(self):
        from .network import TorchImageCNNClassifier

        return TorchImageCNNClassifier

    def network_params(self, X, params):
        params.setdefault("image_shape", X.image_shape)
        return params

    def starting_params(self, cfg, root, params):
        params.update(channels=cfg.network.channels or CHANNELS, augment=cfg.image.augment)
        if cfg.image.pretrained_weights:
            params.update(pretrained=str(Path(root) / cfg.image.pretrained_weights),
                          freeze_pretrained=cfg.image.freeze_pretrained)
        return params

    def starting_parameter_count(self, X, params, n_outputs):
        from ...models.weight_counts import dense_weights

        if params.get("pretrained"):  # a ResNet-18 is counted by building it (its weights file is read anyway)
            return self._built_count(X, params, n_outputs)
        channels_in = X.image_shape[0]
        channels = int(params.get("channels") or CHANNELS)
        first = max(channels // 2, 4)
        convolutions = channels_in * first * 9 + first + first * channels * 9 + channels
        return convolutions + dense_weights(channels, params.get("hidden", (32,)), n_outputs)

    def _built_count(self, X, params, n_outputs):
        import numpy as np

        from ...models.nets import count_parameters

        network = self.network_class()(**{"seed": 0, **self.network_params(X, dict(params))})
        width = np.asarray(self.network_input(X).fit_transform(X)).shape[1]
        return count_parameters(network._build_module(width, n_outputs))

    def fix_tuning_params(self, cfg, root, network):
        start = self.starting_params(cfg, root or ".", {})  # augmentation and a local pretrained ResNet: every trial
        network.update({name: start[name] for name in ("augment", "pretrained", "freeze_pretrained") if name in start})
        return network


MODALITY = ImageModality()
