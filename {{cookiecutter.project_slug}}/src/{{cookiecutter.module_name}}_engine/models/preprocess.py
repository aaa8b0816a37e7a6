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


def shared_preprocessing(models):
    """True when every pipeline starts with the same unfitted preprocessor (same steps, same columns).

    Like-for-like comparison (Tip 2): no model gets better data handling than another.
    """
    return len({repr(model[:-1]) for model in models.values()}) == 1


def preprocessing_description(X):
    """One sentence on what the classical models read, for notebook 02 and the reports."""
    return modality_of(X).features_description(X)
