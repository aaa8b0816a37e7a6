"""The notebooks' public API: every name they import, and the engine module it lives in.

`import <module>_engine as lab` or `from <module>_engine import Run` loads only the module that holds
a name, when it is first used (PEP 562), so a notebook that trains no network imports no PyTorch.
API.md in the project lists these names with their one-line descriptions.
"""

# name -> the engine module whose attribute of that name it is
NAMES = {
    # the run folder every notebook opens, and the one error type users see
    "Run": "runner.runs",
    "LabError": "common.errors",
    # 01: provenance, exploring, the split
    "load_manifest": "data.provenance",
    "find_source": "data.provenance",
    "simulation_of": "data.provenance",
    "datasheet_draft": "data.datasheet",
    "confounding_line": "data.explore",
    "declared_columns": "data.declared",
    "load_or_make_split": "splits.split",
    "save_split_record": "splits.split",
    "leakage_report": "splits.making",
    "check_leakage": "splits.making",
    # 02 and after: rows at scale, progress
    "shared_preprocessing": "models.preprocess",
    "preprocessing_description": "models.preprocess",
    "SCORING_ROWS": "evaluation.scale",
    "REFIT_ROWS": "evaluation.scale",
    "TUNING_ROWS": "evaluation.scale",
    "Progress": "evaluation.scale",
    "describe": "evaluation.scale",
    # 03 and after: networks
    "seed_everything": "models.nets",
    "pick_device": "models.nets",
    "starting_params": "models.network_plan",
    "fit_network": "models.fitting",
    "compare_optimizers": "models.net_checks",
    # 04: the equal-budget search
    "tune_families": "tuning.search",
    "fixed_params": "tuning.search",
    "default_workers": "tuning.search",
    "strategy": "tuning.search",
    "EARLY_STOPPING": "tuning.search",
    "EQUAL_BUDGETS_REASON": "tuning.search",
    "space_hash": "tuning.spaces",
    "STORAGE_FILE": "tuning.studies",
    "mask_url": "tuning.studies",
    "run_storage_url": "tuning.studies",
    "study_name_for": "tuning.studies",
    "timings_record": "tuning.results",
    "write_json": "common.files",
    # 05: overfitting and the single test look
    "NETWORK": "common.names",
    "best_family": "tuning.results",
    "gap_fit": "evaluation.gap_fits",
    "gap_fits_sentence": "evaluation.gap_fits",
    "shuffled_sentence": "reports.sentences",
    # 06: interpretation
    "tuned_models": "ethics.release",
    "agreement_matrix": "interpretation.interpret",
    "seed_stability": "interpretation.interpret",
    "shortcut_check": "interpretation.interpret",
    "unsupported_claims": "interpretation.interpret",
    # 07: the ethics register
    "run_findings": "ethics.auto_findings",
    "blocking_entries": "ethics.register",
    "check_status": "ethics.register",
    "earlier_findings": "ethics.register",
    "entry_records": "ethics.register",
    "open_entries": "ethics.register",
    "raise_entries": "ethics.register",
    "read_earlier": "ethics.register",
    "register_table": "ethics.register",
    "sensitive_finding": "ethics.register",
    "small_test_finding": "ethics.register",
}


# What a constant of the API means (functions, classes and modules say it in their docstrings).
ABOUT = {
    "NETWORK": "the model family key of the study's network",
    "SCORING_ROWS": "the most rows a training score or an importance is read on (a stratified, seeded subsample)",
    "REFIT_ROWS": "the most training rows of a refit in learning curves, shuffled controls and seed refits",
    "TUNING_ROWS": "the most training rows every tuning trial fits on",
    "STORAGE_FILE": "the run folder's tuning database when lab.yaml names no shared storage",
    "EARLY_STOPPING": "how the network's tuning trials stop early, as notebook 04 records it",
    "EQUAL_BUDGETS_REASON": "why every family gets the same tuning budget (Tips 2 and 6), as notebook 04 says it",
}

# name -> an engine module the notebooks use whole
MODULES = {
    "explore": "data.explore",  # 01: what is in the data
    "plots": "figures.plots",  # figures of every notebook
    "interpret_plots": "interpretation.plots",  # 06: figures of importance, agreement, motifs
}


def resolve(package: str, name: str):
    """The object `name` of the API, imported from its engine module on first use."""
    import importlib

    if name in MODULES:
        return importlib.import_module(f"{package}.{MODULES[name]}")
    return getattr(importlib.import_module(f"{package}.{NAMES[name]}"), name)
