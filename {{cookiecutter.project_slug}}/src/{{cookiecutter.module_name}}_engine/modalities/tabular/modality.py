"""Tables of measurements (lab.yaml `modality: tabular`), as the protocol asks for them.

The class holds this modality's answers to the contract in modalities/contract.py; the work is done
in this folder's modules, imported when a method first needs them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..contract import Modality


class TabularModality(Modality):
    """A table with one row per sample: numbers and categories in columns."""

    name = "tabular"
    samples = "rows"
    architecture = "multilayer perceptron (MLP)"
    representation = "one standardised input per measured column; the columns have no natural order"
    question_note = ("For tables of measurements, well-tuned classical models often match networks, "
                     "so they are the baseline to beat (Tips 1 and 2).")
    accepts_metadata_inputs = True
    shared_with = "every baseline and the network share"

    def matches(self, X) -> bool:
        return True  # the registry asks the other modalities first: a plain table is what is left

    def settings_problem(self, cfg):
        cnn_only = [f"network.{name}" for name in ("channels", "kernel_size") if getattr(cfg.network, name)]
        if cnn_only or cfg.data.labels:
            field = (cnn_only or ["data.labels"])[0]
            return f"{field} applies to sequence data only; remove it or set modality: sequence"
        return None

    # data -------------------------------------------------------------------------------------
    def load(self, cfg, root, task):
        from .loading import load_table

        return load_table(cfg, root, task)

    def sample_table(self, cfg, root):
        from ...data.tables import read_table

        return read_table(Path(root) / cfg.data.path, cfg.data.path, cfg.data.missing_values), cfg.data.path

    def describe_inputs(self, cfg):
        return ("median imputation and standardisation of numbers, most-frequent imputation and one-hot coding "
                "of categories, fitted on the training split only")

    def describe_instances(self, cfg, summary):
        return f"rows of {cfg.data.path}, one sample each, with {summary['n_columns']} features"

    def data_warnings(self, X):
        from .checks import column_warnings

        return column_warnings(X)

    def describe(self, cfg, data, labels, summary, task):
        from .exploring import describe_table

        return describe_table(data, labels, summary)

    def structure(self, cfg, data, split, labels, duplicates, summary, task, seed):
        from .exploring import near_rows

        return near_rows(cfg, data, split, labels, duplicates, seed)

    stability_methods = ("permutation", "integrated gradients")

    def importance(self, cfg, models, baseline, X_train, X_tune, y_tune, repeats, seed, view):
        from .interpretation import table_importance

        return table_importance(models, baseline, X_train, X_tune, y_tune, repeats, seed, view)

    def seed_importance(self, cfg, network, X_train, X_tune, y_tune, repeats, seed, view, found, extras):
        from .interpretation import table_seed_importance

        return table_seed_importance(network, X_train, X_tune, y_tune, repeats, seed, view), None

    # features and networks --------------------------------------------------------------------
    def baseline_features(self, X):
        from .features import make_table_preprocessor

        return make_table_preprocessor(X)

    def features_description(self, X):
        return ("numbers: training median imputation and standardisation; categories: most frequent "
                "training value and one-hot codes; fitted on the training split only")

    def readable_features(self, X):
        from .features import readable_table_features

        return readable_table_features(X)

    def network_input(self, X):
        from .features import make_table_preprocessor

        return make_table_preprocessor(X)

    def network_stand_in(self, X):
        from sklearn.pipeline import Pipeline

        return {"network": Pipeline([("prep", self.network_input(X)), ("model", "passthrough")])}

    def network_class(self):
        from ...models.nets import TorchMLPClassifier

        return TorchMLPClassifier

    def starting_parameter_count(self, X, params, n_outputs):
        from ...models.weight_counts import dense_weights

        width = np.asarray(self.network_input(X).fit_transform(X)).shape[1]
        return dense_weights(width, params.get("hidden", (64, 64)), n_outputs)


MODALITY = TabularModality()
