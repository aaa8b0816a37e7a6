"""The preprocessing the classical models share, as the study's modality builds it (Tip 7).

The preprocessor is always the first step of a model's Pipeline, so everything it learns (medians,
scales, categories, k-mer scales) comes from training rows and is merely applied to tune and test rows.
"""

from ..modalities.registry import modality_of


def make_preprocessor(X):
    """The unfitted preprocessing the classical models share, for X (a table, sequences or images).

    Tables: imputation, scaling and one-hot codes; sequences: standardised k-mer frequencies;
    images: standardised hand-crafted features. Fit it inside a Pipeline on training rows only.
    """
    return modality_of(X).baseline_features(X)
