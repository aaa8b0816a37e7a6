"""The `sequence:` section of lab.yaml: how FASTA sequences are read, represented and split (Tips 5, 7)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HomologySpec(_Strict):
    """How related sequences are kept on one side of the split (Tip 7); defaults in homology.py."""

    method: Literal["mmseqs", "kmer", "none"] = "mmseqs"  # none = a plain stratified split (leakage only reported)
    min_identity: float | None = Field(default=None, gt=0, le=1)  # null = 0.8 for dna, 0.3 for protein
    coverage: float = Field(default=0.8, gt=0, le=1)  # share of both sequences an alignment must cover
    k: int | None = Field(default=None, ge=3, le=16)  # k-mer length of the kmer method; null = 12 dna, 5 protein


SEQUENCE_ALPHABET_SIZES = {"dna": 4, "protein": 20}
MAX_KMER_FEATURES = 10_000


class SequenceSpec(_Strict):
    """How FASTA sequences are read, represented and split (modality: sequence)."""

    alphabet: Literal["dna", "protein"] = "dna"
    length_policy: Literal["pad", "trim", "reject"] = "pad"
    length: int | None = Field(default=None, gt=0)  # fixed length; null = longest (pad) or shortest (trim)
    kmer: int = Field(default=3, ge=1, le=8)  # k of the k-mer frequencies the classical baselines read
    homology: HomologySpec = Field(default_factory=HomologySpec)
    motif_width: int = Field(default=10, ge=2, le=50)  # window notebook 06 reads a motif from
    known_motifs: str | None = None  # local motif file (JASPAR format) naming what the recovered motif resembles
    pretrained_weights: str | None = None  # local CNN weights file to start from (transfer learning)
    freeze_pretrained: bool = False  # keep the loaded convolution filters fixed while training

    @model_validator(mode="after")
    def _kmer_features_fit(self) -> SequenceSpec:
        n = SEQUENCE_ALPHABET_SIZES[self.alphabet] ** self.kmer
        if n > MAX_KMER_FEATURES:
            raise ValueError(
                f"kmer {self.kmer} gives {n} k-mer features over the {self.alphabet} alphabet, too many for the "
                "baselines; lower sequence.kmer"
            )
        return self
