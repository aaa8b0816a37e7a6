"""Sequences as a table of one column, carrying how they are to be read (alphabet, fixed length, k)."""

import pandas as pd


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

    @property
    def n_inputs(self) -> int:
        """What the network reads per sequence: one input per coding letter and position."""
        from .fasta import coding_letters

        return int(self.length) * len(coding_letters(self.alphabet))
