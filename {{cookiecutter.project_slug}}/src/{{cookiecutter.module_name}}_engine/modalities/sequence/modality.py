"""DNA and protein sequences (lab.yaml `modality: sequence`), as the protocol asks for them.

The class holds this modality's answers to the contract in modalities/contract.py; the work is done
in this folder's modules, imported when a method first needs them.
"""

from __future__ import annotations

from pathlib import Path

from ..contract import Modality
from .frame import SequenceFrame
from .settings import SequenceSpec

CHANNELS, KERNEL = 16, 9  # the 1D CNN's defaults (network.TorchCNNClassifier)


def both_strands(cfg) -> bool:
    """Whether the DNA network scans both strands: lab.yaml's network.both_strands, by default yes for DNA.

    Measured on the built-in simulated windows (tune ROC AUC, families held out, seed 0): one strand
    0.851 when every motif is on the forward strand, 0.816 when half the windows are reverse
    complemented; both strands 0.823 on either (identical: the score no longer depends on the strand
    read). Real windows come from either strand, so reading both is the default.
    """
    if cfg.sequence.alphabet != "dna":
        return False
    return True if cfg.network.both_strands is None else bool(cfg.network.both_strands)


class SequenceModality(Modality):
    """Sequences read from FASTA, brought to one length; related sequences kept on one side of the split."""

    name = "sequence"
    samples = "sequences"
    identical_words = "sequences"
    frame = SequenceFrame
    settings_section = "sequence"
    settings_model = SequenceSpec
    architecture = "1D convolutional network (CNN)"
    representation = ("each fixed-length sequence as one-hot letters along its positions, so a convolution can "
                      "scan the same short filters along the whole sequence and find a motif wherever it sits")
    question_note = ("Sequence data can be plentiful and pretrained sequence models allow transfer learning, "
                     "but related sequences must not cross splits (Tips 1 and 7).")
    derived_features = True
    inputs_share_weights = True
    related_words = "clusters of related sequences (sequence.homology)"
    related_fix = ("raise sequence.homology.min_identity in lab.yaml so fewer sequences count as related, "
                   "or collect more unrelated sequences")

    def settings_problem(self, cfg):
        if cfg.data.metadata_as_inputs:
            return ("data.metadata_as_inputs applies to tables only (a sequence model reads only the sequence); "
                    "remove it or set it to false")
        return None

    # data -------------------------------------------------------------------------------------
    def load(self, cfg, root, task):
        from .loading import load_sequences

        return load_sequences(cfg, root, task)

    def sample_table(self, cfg, root):
        from .loading import sequence_table

        return sequence_table(cfg, root)

    def describe_inputs(self, cfg):
        spec = cfg.sequence
        length = f"{spec.length} letters" if spec.length else (
            "the longest sequence's length" if spec.length_policy == "pad" else "the shortest sequence's length")
        return (f"{spec.alphabet.upper() if spec.alphabet == 'dna' else spec.alphabet} sequences are brought to "
                f"{length} (length policy '{spec.length_policy}'); the classical models read standardised "
                f"frequencies of the {spec.kmer}-letter words (k-mers), the network reads one-hot letters in order; "
                "the scaling is fitted on the training split only")

    def describe_instances(self, cfg, summary):
        return f"sequences of {cfg.data.path} ({cfg.sequence.alphabet}), one sample each"

    def describe(self, cfg, data, labels, summary, task):
        from .exploring import describe_sequences

        return describe_sequences(data, labels, summary)

    def structure(self, cfg, data, split, labels, duplicates, summary, task, seed):
        from .exploring import related_sequences

        return related_sequences(cfg, data, split, task, duplicates, seed)

    def importance(self, cfg, models, baseline, X_train, X_tune, y_tune, repeats, seed, view):
        from .interpretation import sequence_importance

        return sequence_importance(models, baseline, X_tune, y_tune, repeats, seed, view, cfg.data.positive_class)

    def interpretation_extras(self, cfg, root, data, models, X_tune, y_tune, found, view, seed):
        from .interpretation import found_motif

        return found_motif(cfg, root, found)

    def seed_importance(self, cfg, network, X_train, X_tune, y_tune, repeats, seed, view, found, extras):
        from .interpretation import sequence_seed_importance

        return sequence_seed_importance(cfg, network, X_tune, view, found, extras)

    def seed_notes(self, notes, extras):
        from .interpretation import motif_across_seeds

        return motif_across_seeds(notes, extras)

    # features and networks --------------------------------------------------------------------
    def baseline_features(self, X):
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        from .fasta import coding_letters
        from .features import KmerCounts

        counts = KmerCounts(k=X.kmer, letters=coding_letters(X.alphabet))
        return Pipeline([("kmers", counts), ("scale", StandardScaler())])

    def features_description(self, X):
        return (f"sequences as frequencies of every {X.kmer}-letter word (k-mer), standardised with training "
                "means and spreads; the network reads the letters themselves, in order, as one-hot codes (notebook 03)")

    def readable_features(self, X):
        from .fasta import coding_letters
        from .features import KmerCounts

        return KmerCounts(k=X.kmer, letters=coding_letters(X.alphabet))  # a rule reads "ACG above 0.02"

    def network_input(self, X):
        from .fasta import coding_letters
        from .features import OneHotSequences

        return OneHotSequences(letters=coding_letters(X.alphabet), length=X.length)

    def transfer(self, cfg, run_dir, network):
        from ...common.sections import Section
        from .network import save_weights

        net = network[-1]
        transfer = {"pretrained_weights": cfg.sequence.pretrained_weights, "sha256": net.pretrained_sha256_,
                    "layers_loaded": net.pretrained_layers_, "frozen": bool(net.freeze_conv and net.pretrained_layers_),
                    "weights_saved": "models/03_cnn_weights.pt"}
        transfer["saved_sha256"] = save_weights(network, Path(run_dir) / transfer["weights_saved"])
        line = (f"filters started from {transfer['pretrained_weights'] or 'random weights (no pretrained_weights set)'}"
                f"; trained weights saved to {transfer['weights_saved']} for reuse as sequence.pretrained_weights")
        return Section(lines=[line], values={"transfer": transfer})

    def recorded_params(self, cfg, params):
        return {**params, **({"pretrained": cfg.sequence.pretrained_weights} if "pretrained" in params else {})}

    def network_class(self):
        from .network import TorchCNNClassifier

        return TorchCNNClassifier

    def network_params(self, X, params):
        from .fasta import coding_letters

        params.setdefault("n_letters", len(coding_letters(X.alphabet)))
        return params

    def starting_params(self, cfg, root, params):
        spec = cfg.network
        params.update(channels=spec.channels or CHANNELS, kernel_size=spec.kernel_size or KERNEL,
                      both_strands=both_strands(cfg))
        if cfg.sequence.pretrained_weights:
            params.update(pretrained=str(Path(root) / cfg.sequence.pretrained_weights),
                          freeze_conv=cfg.sequence.freeze_pretrained)
        return params

    def starting_parameter_count(self, X, params, n_outputs):
        from ...models.weight_counts import dense_weights

        letters = len(self.network_input(X).letters)
        channels = int(params.get("channels") or CHANNELS)
        kernel = int(params.get("kernel_size") or KERNEL)
        convolution = 0 if params.get("freeze_conv") else letters * channels * kernel + channels
        return convolution + dense_weights(channels, params.get("hidden", (32,)), n_outputs)

    def fix_tuning_params(self, cfg, root, network):
        from .fasta import coding_letters

        network["n_letters"] = len(coding_letters(cfg.sequence.alphabet))
        network.setdefault("both_strands", both_strands(cfg))
        if cfg.sequence.pretrained_weights:  # transfer learning: the loaded filters fix their own shape
            start = self.starting_params(cfg, root or ".", {})
            network.update({name: start[name] for name in ("pretrained", "freeze_conv", "channels", "kernel_size")})
        return network

    def preflight(self, cfg, data):
        if cfg.sequence.homology.method != "kmer":
            return
        from ...common.errors import LabError
        from .fasta import coding_letters
        from .homology import settings

        k = settings(cfg.sequence.homology, cfg.sequence.alphabet)["k"]
        size, n = len(coding_letters(cfg.sequence.alphabet)), max(len(data.y), 1)
        if n * size**k >= 2**62:  # the k-mer code's own limit (homology.kmer_sets)
            usable = max(j for j in range(1, k) if n * size**j < 2**62)
            raise LabError(
                f"lab.yaml field 'sequence.homology.k' is {k}, too long for the {cfg.sequence.alphabet} alphabet "
                f"({size} letters) and {n} sequences; set sequence.homology.k to {usable} or less"
            )

    # the split --------------------------------------------------------------------------------
    def keeps_related_together(self, cfg):
        return cfg.sequence.homology.method != "none"

    def related_clusters(self, cfg, X):
        from .homology import homology_groups

        return homology_groups(cfg, X["sequence"])

    def split_settings(self, cfg):
        from .homology import settings

        return {"homology": settings(cfg.sequence.homology, cfg.sequence.alphabet)}


MODALITY = SequenceModality()
