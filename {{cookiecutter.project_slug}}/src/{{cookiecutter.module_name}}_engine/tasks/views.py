"""The task-specific pieces of notebooks 06 and 07 and of the reports, as each task's folder fills them in."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class QuestionView:
    """What notebook 00 does differently for this task (Tip 1)."""

    assess: Callable  # (data, cfg, root, modality) -> the assessment: counts against the floor, recommendation
    table: Callable  # (assessment, cfg) -> the table shown under it (samples per class, the target's profile)
    figure: Callable  # (assessment, data, cfg) -> (figure name, figure)


@dataclass(frozen=True)
class BaselinesView:
    """What notebook 02 does differently for this task (Tip 2)."""

    make: Callable  # (X, seed) -> {family: unfitted Pipeline} with default settings, the prior model first
    row: Callable  # (model, X_scored, y_scored, X_tune, y_tune, metric) -> its training score and tune panel
    rank_key: Callable  # metric -> the column of a row the models are ranked by
    notes: Callable  # fitted baselines -> (lines, artifact fields) on what they chose (e.g. the SVM's scaling)
    table: Callable  # (rows, rank key) -> the table shown, best first
    figure: Callable  # (task, rows, table, metric) -> the bar chart of the baselines against the prior model
    record: Callable  # (task, metric) -> what the artifact records of the score (its name, sign, the prior's name)


@dataclass(frozen=True)
class NetworkView:
    """What notebooks 03 and 05 check differently of this task's network head (Tip 3)."""

    expected_initial_loss: Callable  # (network estimator, y_train) -> the loss an untrained network starts near
    head_checks: Callable  # (network estimator, metric) -> what notebook 03 records of the head (loss, target scale)
    loss_label: Callable  # network estimator -> the loss axis's label
    memorise: Callable  # (X, y, params, seed, n_samples) -> memorising a tiny sample: result and "passed"
    memorised: Callable  # that result -> one sentence
    validation_words: str  # what a network's per-epoch validation score is ("ROC-AUC", "R²")


@dataclass(frozen=True)
class OverfittingView:
    """What notebook 05 does differently for this task (Tip 7)."""

    gap_and_panel: Callable  # (model, X_scored, y_scored, X_tune, y_tune, threshold, classes) -> (gap, tune panel)
    gap_words: str  # how the gap's score is named after the threshold ("", " (R²)")
    gap_axis: str  # the gap figure's score axis
    learning_curve: Callable  # (build, gap, X_train, y_train, X_tune, y_tune, seed, whole) -> (rows, record)
    curve_refits: Callable  # (training rows, whole) -> refits per finalist
    curve_figure: Callable  # (curves, curve rows) -> figure
    shuffled_control: Callable  # (build, X_train, y_train, X_tune, y_tune, observed, n_runs, seed) -> control
    null_axis: str  # the shuffled control figure's score axis
    test_look: Callable  # (run, models, finalists, X_test, y_test, X_tune, y_tune) -> Section (values: test, extra)
    record: Callable  # (run, tuned, finalists) -> what the artifact records of the task's score
    network_loss: Callable  # models -> what the artifact records of the network's loss beyond its epochs


@dataclass(frozen=True)
class InterpretView:
    """What notebook 06 does differently for this task."""

    importance_unit: str  # what a permutation importance is a drop in
    scoring: Callable | None  # scorer(estimator, X, y) for permutation importance; None = ROC-AUC
    shortcut_score: Callable  # score(model, X, y) of the shortcut refits
    predictability: Callable  # (meta, target, seed) -> cross-validated result of metadata alone
    surrogate: Callable  # (model, X_train, X_tune, depth, seed) -> surrogate with .summary()
    fidelity_words: str  # how the surrogate's fidelity reads
    show_fidelity: Callable  # a fidelity value as text ('93.0%' of samples, or 'R² 0.812')
    explained: Callable  # (y, positive_class, classes) -> (boolean mask of the rows explained, description)
    attributions: Callable  # (model, X, positive_class) -> (attributions, onehot, convergence)
    cautions: Callable  # (agreement, stability, floor, surrogate summary, shortcut) -> sentences
    build_model: Callable  # (family, X, params, seed=, device=) -> unfitted Pipeline of the task
    examples: Callable  # (model, X, y) -> rows to show: right and wrong per class, or best and worst predicted
    surrogate_figure: Callable  # surrogate -> the tree drawn box by box


@dataclass(frozen=True)
class EthicsView:
    """What notebook 07 does differently for this task."""

    gap_metric: str  # the metric whose spread across groups is flagged
    gap_words: str  # how the gap reads in the artifact and the report
    report: Callable  # (models, frame_train, frame_tune, X_tune, y_tune, settings) -> table, gaps, overall, defs
    threshold: Callable  # settings -> the threshold in force
    findings: Callable  # (gaps, threshold) -> register findings
    figure: Callable  # (table, overall) -> figure
    imbalance: Callable  # (y, ratio) -> register findings on class imbalance (none for a number)


@dataclass(frozen=True)
class ReportView:
    """What the reports say differently for this task; every callable reads the run's RunFacts only."""

    words: str  # what the study does, for the reports' "task" line
    shuffled: str  # what the shuffled control permutes ("label", "target")
    split_heading: str  # the heading of the split table
    per_class: str  # how the datasheet counts samples ("per class")
    same_split: str  # how the test part was drawn, for the model card
    attribution_scale: str  # the unit of the network's integrated-gradients attributions
    prior_words: str  # what the model that knows nothing predicts
    family_words: Mapping[str, str]  # family keys this task names otherwise ("svm": "support vector regression")
    per_class_test: bool  # whether the model card lists the test part's samples per class
    metric_order: tuple[str, ...]  # the order a reader expects the test metrics in (empty: as recorded)
    baseline_metrics: tuple[str, ...]  # the tune metrics of the report's baseline table
    importance_unit: Callable  # facts -> what a permutation importance is a drop in
    prevalence: Callable  # facts -> what a model that knows nothing scores on the test split, or None
    target_summary: Callable  # facts -> the samples and the target in one sentence, or None (classes say it)
    stratification: Callable  # facts -> how the split was stratified
    output: Callable  # facts -> lines: what a model gives for one sample
    decision_thresholds: Callable  # facts -> how an output becomes a decision, or None
