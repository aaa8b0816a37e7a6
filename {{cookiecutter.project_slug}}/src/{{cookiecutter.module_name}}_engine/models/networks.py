"""Which network reads which modality, and how it is built and fitted: the one registry of architectures (Tip 5).

A new modality adds one Architecture entry here, not a branch in every notebook.
"""

from dataclasses import dataclass
from types import MappingProxyType

from sklearn.pipeline import Pipeline

from ..common.errors import LabError
from .conv_nets import TorchCNNClassifier, TorchImageCNNClassifier
from .nets import TorchMLPClassifier
from .preprocess import is_images, is_sequences, make_preprocessor, make_sequence_encoder


@dataclass(frozen=True)
class Architecture:
    """How one data modality is represented and which network reads it (Tip 5)."""

    name: str
    representation: str
    estimator: type


# The one place that maps a modality (lab.yaml `modality`) to its representation and network.
ARCHITECTURES = MappingProxyType(
    {
        "tabular": Architecture(
            name="multilayer perceptron (MLP)",
            representation="one standardised input per measured column; the columns have no natural order",
            estimator=TorchMLPClassifier,
        ),
        "sequence": Architecture(
            name="1D convolutional network (CNN)",
            representation=(
                "each fixed-length sequence as one-hot letters along its positions, so a convolution can "
                "scan the same short filters along the whole sequence and find a motif wherever it sits"
            ),
            estimator=TorchCNNClassifier,
        ),
        "image": Architecture(
            name="2D convolutional network (CNN)",
            representation=(
                "each image as its pixels per channel (standardised with training means), so 3x3 filters shared "
                "across the image find a cell's texture wherever it lies; flips, 90-degree rotations and a small "
                "intensity jitter augment training"
            ),
            estimator=TorchImageCNNClassifier,
        ),
    }
)


def architecture_for(modality):
    """The representation and network for a modality, or a LabError naming the ones available."""
    if modality not in ARCHITECTURES:
        raise LabError(
            f"lab.yaml: field 'modality' is '{modality}', which has no network yet; "
            f"use one of {', '.join(ARCHITECTURES)}."
        )
    return ARCHITECTURES[modality]


def make_network(X, params=None, seed=0, modality=None, device=None, estimator=None):
    """Return an unfitted Pipeline: the representation of X the modality's network reads, then the network.

    Tables: the same training-only preprocessor as the baselines, so comparisons are like for
    like. Sequences: one-hot letters along each sequence (the baselines read k-mer frequencies
    of the same sequences). The modality is that of X unless given. `device` (lab.yaml's
    device, e.g. "auto") overrides any device in params; None keeps params' own (default cpu).
    """
    modality = modality or ("image" if is_images(X) else "sequence" if is_sequences(X) else "tabular")
    estimator = estimator or architecture_for(modality).estimator  # a regression head passes its own
    params = dict(params or {})
    if device is not None:
        params["device"] = device
    valid = estimator().get_params()
    unknown = sorted(k for k in params if k not in valid)
    if unknown:
        raise LabError(
            f"the network has no parameter {', '.join(map(repr, unknown))}; "
            f"use one of {', '.join(sorted(valid))}."
        )
    if is_sequences(X):
        encoder = make_sequence_encoder(X)
        params.setdefault("n_letters", len(encoder.letters))
        return Pipeline([("prep", encoder), ("model", estimator(**{"seed": seed, **params}))])
    if is_images(X):  # images: standardised pixels, the shape travelling with the network
        from ..modalities.image.features import ImagePixels

        params.setdefault("image_shape", X.image_shape)
        return Pipeline([("prep", ImagePixels()), ("model", estimator(**{"seed": seed, **params}))])
    network = estimator(**{"seed": seed, **params})
    return Pipeline([("prep", make_preprocessor(X)), ("model", network)])


def network_parameter_names():
    """Every parameter a network of any modality accepts (lab.yaml's tuning.fixed.network may set them)."""
    return sorted({name for arch in ARCHITECTURES.values() for name in arch.estimator().get_params()})


def fit_network(pipeline, X, y, validation_data=None, on_evaluate=None):
    """Fit a make_network pipeline, passing validation rows through its training-fitted preprocessor.

    Pipeline.fit would hand `model__validation_data` to the network untransformed; this fits
    the preprocessor on X only, transforms both tables with it, then trains the network.
    """
    prep, network = pipeline[:-1], pipeline[-1]
    features = prep.fit_transform(X, y)
    if validation_data is not None:
        validation_data = (prep.transform(validation_data[0]), validation_data[1])
    network.fit(features, y, validation_data=validation_data, on_evaluate=on_evaluate)
    return pipeline
