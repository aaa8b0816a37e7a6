"""Which rows notebook 05 fits each tuned model on, so that no fit the protocol already made is paid twice.

The finalists (the tuned network and the best tuned classical model) go on to the learning
curves, the shuffled-label control and the test set, so they are fitted on every training row.
Every other tuned family only needs its train-versus-tune gap: it is fitted on the rows its
tuning trials read (notebook 04: every training row up to `scale.TUNING_ROWS`, above it the same
stratified, seeded subsample), so the model is its best trial's own and its tune score is the
one the search saw. Up to that size both are every training row, so nothing changes there.
"""

from .scale import SCORING_ROWS, TUNING_ROWS, describe, take

FINALIST = "finalist's fit (learning curves, shuffled labels, test set follow)"
TRIAL_ROWS = "fit on its tuning trials' rows (notebook 04), as its best trial was"


def gap_fit_rows(X_train, y_train, finalist, seed, limit=TUNING_ROWS, strata=None):
    """X, y a tuned model is fitted on for its gap, and the record of those rows ('fitted_on' says why)."""
    if finalist:
        n = len(y_train)
        return X_train, y_train, {"purpose": FINALIST, "rows": int(n), "of": int(n), "subsampled": False}
    return take(X_train, y_train, limit, seed, TRIAL_ROWS, strata)


def gap_fit(build, X_train, y_train, finalist, seed, limit=TUNING_ROWS, scoring_rows=SCORING_ROWS, strata=None):
    """Fit one tuned model on its `gap_fit_rows` and pick the rows its training score is read on.

    Returns the fitted model, the scored rows (X, y: a stratified, seeded subsample of at most
    `scoring_rows` of the rows it was fitted on) and {"fitted_on", "training_scores"} records; `strata`
    is the task's `stratify_labels` (None: the labels themselves).
    """
    X_fit, y_fit, fitted_on = gap_fit_rows(X_train, y_train, finalist, seed, limit, strata)
    model = build().fit(X_fit, y_fit)
    X_scored, y_scored, scored = take(X_fit, y_fit, scoring_rows, seed, "training scores", strata)
    return model, X_scored, y_scored, {"fitted_on": fitted_on, "training_scores": scored}


def gap_fits_sentence(records):
    """One line per tuned family: which rows its gap fit read."""
    return "\n".join(f"{family} — {describe(record['fitted_on'])}" for family, record in records.items())
