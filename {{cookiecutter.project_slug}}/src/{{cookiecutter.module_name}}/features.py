"""Features of your own that the classical baselines could read (Tip 2).

A hand-made descriptor (physicochemical properties of a peptide, a curated gene set score, an
embedding computed offline) belongs here, written as a scikit-learn transformer so it is fitted on
the training split only.

Registering a featuriser so that notebook 02 reads it instead of the engine's own features is not
available yet; code here is yours to use from your own notebooks and tests.
"""
