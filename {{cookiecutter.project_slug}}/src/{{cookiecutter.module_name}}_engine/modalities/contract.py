"""The contract of a modality: what tables, sequences, images or any new kind of data provide the protocol.

A modality is one folder under modalities/ whose `modality.py` defines a subclass of `Modality` and
one instance of it, registered in modalities/registry.py. Code outside modalities/ never asks which
kind of data it holds: it calls these methods and reads these attributes. `check_modality` checks an
instance against the contract, as scikit-learn's `check_estimator` checks an estimator.
"""

from __future__ import annotations


class Modality:
    """One kind of data. Subclasses set the attributes and implement every method below."""

    name: str = ""
    samples: str = "samples"  # how one sample is named in sentences ("rows", "sequences", "images")
    identical_words: str = "feature rows"  # what identical samples are called in a warning
    frame: type | None = None  # the DataFrame subclass X is read as (None: a plain table of columns)
    settings_section: str | None = None  # the lab.yaml section of this modality's own settings, if any
    settings_model: type | None = None  # the pydantic model of that section
    architecture: str = ""  # the network that reads it, in words
    representation: str = ""  # how the network sees a sample, in words
    question_note: str = ""  # what Tip 1 says of this kind of data
    derived_features: bool = False  # the classical models read features derived from X, not its columns
    accepts_metadata_inputs: bool = False  # metadata columns can be added to the models' inputs
    inputs_share_weights: bool = False  # the network shares weights across inputs: many per sample is no warning

    # lab.yaml ---------------------------------------------------------------------------------
    def settings_problem(self, cfg) -> str | None:
        """The first lab.yaml setting that does not fit this modality, as one sentence, or None."""
        raise NotImplementedError

    # data -------------------------------------------------------------------------------------
    def matches(self, X) -> bool:
        """True when X holds this modality's data."""
        return self.frame is not None and isinstance(X, self.frame)

    def load(self, cfg, root, task):
        """Read, check and return the study's data as a data.dataset.Dataset; `task` reads the target."""
        raise NotImplementedError

    def sample_table(self, cfg, root):
        """(table, source): every column known per sample, one row per sample in data order, and its file."""
        raise NotImplementedError

    def describe_inputs(self, cfg) -> str:
        """The preprocessing the models of this modality fit, in one sentence (datasheet, reports)."""
        raise NotImplementedError

    def describe_instances(self, cfg, summary: dict) -> str:
        """What one instance of the data is, for the datasheet."""
        raise NotImplementedError

    # features and networks --------------------------------------------------------------------
    def baseline_features(self, X):
        """The unfitted preprocessing the classical models share (fitted on training rows only)."""
        raise NotImplementedError

    def features_description(self, X) -> str:
        """One sentence on what the classical models read."""
        raise NotImplementedError

    def readable_features(self, X):
        """An unfitted transformer giving features a person can read in a surrogate tree's rules."""
        raise NotImplementedError

    def network_input(self, X):
        """The unfitted step that turns X into the network's input."""
        raise NotImplementedError

    def network_class(self):
        """The estimator class of this modality's network (a classifier; tasks add other heads)."""
        raise NotImplementedError

    def network_params(self, X, params: dict) -> dict:
        """`params` completed with what the network learns from X itself (letters, image shape)."""
        return params

    def starting_params(self, cfg, root, params: dict) -> dict:
        """lab.yaml's starting network (`params`) completed with this modality's own settings."""
        return params

    def starting_parameter_count(self, X, params: dict, n_outputs: int) -> int:
        """Trainable weights of the starting network for X, without importing PyTorch where possible."""
        raise NotImplementedError

    def fix_tuning_params(self, cfg, root, network: dict) -> dict:
        """The network's fixed tuning settings (`network`) completed with what every trial keeps here."""
        return network

    shared_with: str = "every baseline shares"  # who shares one training-only preprocessor (Tip 2), in words

    def network_stand_in(self, X) -> dict:
        """{"network": its preprocessing} when the network starts with the baselines' own preprocessor, else {}."""
        return {}

    # the split --------------------------------------------------------------------------------
    def keeps_related_together(self, cfg) -> bool:
        """True when related samples (e.g. homologous sequences) are clustered and kept on one side."""
        return False

    related_words: str = "related samples"  # what the split keeps together besides groups, in lab.yaml's words
    related_fix: str = ""  # what to change in lab.yaml when those clusters leave too few groups to split

    def related_clusters(self, cfg, X):
        """Cluster labels of related samples, and how they were found (only when keeps_related_together)."""
        raise NotImplementedError

    def split_settings(self, cfg) -> dict:
        """What this modality adds to a split record's settings (a change to them makes a new split)."""
        return {}

    def preflight(self, cfg, data) -> None:
        """Refuse, as one sentence, what this modality can tell is wrong before the first notebook runs."""

    # notebooks --------------------------------------------------------------------------------
    def overview(self, data, cfg, task):
        """Notebook 00: what Tip 1 asks of this kind of data beyond the counts, as a common.sections.Section."""
        from ..common.sections import Section

        return Section()

    def transfer(self, cfg, run_dir, network):
        """Notebook 03: where the network's weights started and where they were saved; values["transfer"]."""
        from ..common.sections import Section

        return Section(values={"transfer": None})

    def recorded_params(self, cfg, params: dict) -> dict:
        """The starting network's parameters as notebook 03 records them (paths as lab.yaml gives them)."""
        return params

    def architecture_checks(self, cfg, network, params, X_train, y_train, X_tune, y_tune, task, metric, seed):
        """Notebook 03: checks of the network this kind of data asks for (e.g. augmentation at equal budget)."""
        from ..common.sections import Section

        return Section()

    def describe(self, cfg, data, labels, summary, task):
        """Notebook 01: what is in the data beyond the counts (lengths, letters, intensities, missing values)."""
        raise NotImplementedError

    def structure(self, cfg, data, split, labels, duplicates, summary, task, seed):
        """Notebook 01: near duplicates (or related samples) and batch structure, as a Section whose values hold
        homology, near, duplicates, explained, tolerance, near_rule, near_method, leakage and warnings."""
        raise NotImplementedError

    stability_methods: tuple[str, ...] = ("integrated gradients",)  # the rankings notebook 06 refits across seeds

    def importance(self, cfg, models, baseline, X_train, X_tune, y_tune, repeats, seed, view):
        """Notebook 06: the baseline's permutation importance and the network's attributions, as a Section whose
        values hold tables, gradients, convergence, ig_baseline, ig_summary and what later steps reuse."""
        raise NotImplementedError

    def interpretation_extras(self, cfg, root, data, models, X_tune, y_tune, found, view, seed):
        """Notebook 06: what this kind of data shows beyond importance (a motif, saliency maps); values hold
        motif and saliency (None where not made)."""
        from ..common.sections import Section

        return Section(values={"motif": None, "saliency": None})

    def comparable(self, tables: dict) -> dict:
        """The importance tables whose rankings can be compared with each other (they name the same inputs)."""
        return tables

    def seed_importance(self, cfg, network, X_train, X_tune, y_tune, repeats, seed, view, found, extras):
        """Notebook 06: one refitted network's rankings ({method: table}) and a note for `seed_notes`, or None."""
        raise NotImplementedError

    def seed_notes(self, notes: dict, extras) -> list[str]:
        """Lines on what the seeds' notes show (e.g. motif recovery across seeds); may complete `extras`."""
        return []

    # exploring --------------------------------------------------------------------------------
    def data_warnings(self, X) -> list[dict]:
        """Warnings about the features themselves (columns mostly missing, more columns than samples)."""
        return []


REQUIRED_ATTRIBUTES = ("name", "samples", "architecture", "representation", "question_note")


def check_modality(modality: Modality) -> list[str]:
    """What an instance lacks against the contract: unset attributes and methods left unimplemented."""
    problems = [f"attribute {name} is not set" for name in REQUIRED_ATTRIBUTES if not getattr(modality, name, None)]
    for name, member in vars(Modality).items():
        if callable(member) and not name.startswith("_"):
            if getattr(type(modality), name) is member and _raises_not_implemented(member):
                if name == "related_clusters" and not _overrides(modality, "keeps_related_together"):
                    continue  # never asked for: this modality keeps no related samples together
                problems.append(f"method {name} is not implemented")
    if (modality.settings_section is None) != (modality.settings_model is None):
        problems.append("settings_section and settings_model go together")
    return problems


def _overrides(modality: Modality, name: str) -> bool:
    return getattr(type(modality), name) is not getattr(Modality, name)


def _raises_not_implemented(function) -> bool:
    code = getattr(function, "__code__", None)
    return code is not None and "NotImplementedError" in code.co_names
