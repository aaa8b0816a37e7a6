"""Turn a raw feature table into numbers, fitted on the training split only (Tip 7).

The preprocessor is always the first step of a model's Pipeline, so medians, scales and
category lists are learned from training rows and merely applied to tune and test rows.
"""

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from ..common.errors import LabError
from ..modalities.image.frame import ImageFrame


def numeric_columns(X):
    """Names of the columns holding numbers (booleans excluded).

    These are imputed with the training median and standardised.
    """
    return [c for c in X.columns if _is_numeric(X[c])]


def categorical_columns(X):
    """Names of the columns holding categories (text, category or boolean dtype).

    These are imputed with the most frequent training value and one-hot encoded.
    """
    return [c for c in X.columns if _is_categorical(X[c])]


class SequenceFrame(pd.DataFrame):
    """Sequences as a one-column table ("sequence"), carrying how they are to be read.

    `alphabet` (dna | protein), `length` (the fixed length after the length policy) and `kmer`
    (k of the baselines' k-mer frequencies) travel with every row selection, so a model built
    from any part of the data reads it the same way.
    """

    _metadata = ["alphabet", "length", "kmer"]

    @property
    def _constructor(self):
        return SequenceFrame

    @classmethod
    def of(cls, sequences, alphabet, length, kmer):
        frame = cls({"sequence": pd.Series(list(sequences), dtype=object)})
        frame.alphabet, frame.length, frame.kmer = str(alphabet), int(length), int(kmer)
        return frame


def is_sequences(X):
    """True when X holds sequences (a SequenceFrame) rather than a table of measurements."""
    return isinstance(X, SequenceFrame)


def is_images(X):
    """True when X holds images (an imageframe.ImageFrame) rather than a table of measurements."""
    return isinstance(X, ImageFrame)


def make_preprocessor(X):
    """Build the unfitted preprocessing the classical models share, for the columns of X.

    Tables: numbers get median imputation and scaling, categories get mode imputation and
    one-hot codes (a ColumnTransformer, dense float output). Sequences: k-mer frequencies,
    standardised. Fit it inside a Pipeline on training rows only.
    """
    if is_images(X):  # images: hand-crafted intensity, texture and shape features
        from ..modalities.image.features import make_image_preprocessor

        return make_image_preprocessor(X)
    if is_sequences(X):
        from ..modalities.sequence.fasta import coding_letters
        from ..modalities.sequence.features import KmerCounts

        counts = KmerCounts(k=X.kmer, letters=coding_letters(X.alphabet))
        return Pipeline([("kmers", counts), ("scale", StandardScaler())])
    _check_table(X)
    numeric, categorical = numeric_columns(X), categorical_columns(X)
    steps = []
    if numeric:
        steps.append(("numeric", _numeric_steps(), numeric))
    if categorical:
        steps.append(("categorical", _categorical_steps(), categorical))
    return ColumnTransformer(steps, remainder="drop", sparse_threshold=0.0)


def make_sequence_encoder(X):
    """One-hot letters along each sequence, padded with zeros to the fixed length (the CNN's input).

    Position-major: input value p*A + a is letter a at position p, over the alphabet's A coding letters.
    """
    from ..modalities.sequence.fasta import coding_letters
    from ..modalities.sequence.features import OneHotSequences

    return OneHotSequences(letters=coding_letters(X.alphabet), length=X.length)


def as_text(X):
    """Return X as an object array of strings, keeping missing values as NaN.

    One-hot encoding needs one value type per column; booleans and mixed columns become text.
    """
    values = np.asarray(X, dtype=object)
    missing = pd.isna(values)
    text = values.astype(str).astype(object)
    text[missing] = np.nan
    return text


def _numeric_steps():
    return Pipeline(
        [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    )


def _categorical_steps():
    return Pipeline(
        [
            ("text", FunctionTransformer(as_text, feature_names_out="one-to-one")),
            ("impute", SimpleImputer(strategy="most_frequent")),
            (
                "encode",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False, dtype=np.float64),
            ),
        ]
    )


def _is_numeric(column):
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _is_categorical(column):
    dtype = column.dtype
    return (
        pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def _check_table(X):
    if not isinstance(X, pd.DataFrame):
        raise LabError(
            f"features must be a pandas DataFrame of raw columns, not {type(X).__name__}; "
            "pass the feature table read from the data file."
        )
    if X.shape[1] == 0:
        raise LabError("the feature table has no columns; check the target and id columns in lab.yaml.")
    unusable = [str(c) for c in X.columns if not (_is_numeric(X[c]) or _is_categorical(X[c]))]
    if unusable:
        raise LabError(
            f"feature column(s) {', '.join(unusable)} are neither numbers nor categories "
            "(e.g. dates); convert them to numbers or drop them from the table."
        )
