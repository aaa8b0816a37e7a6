"""DNA and protein sequences: FASTA input, checks, labels and features (Tip 5); homology is in homology.py.

Reads plain or gzipped FASTA, checks the declared alphabet, joins labels from the headers or a
side table, applies the recorded length policy, turns sequences into k-mer frequencies or one-hot
matrices (scikit-learn transformers, fitted on training rows only), and simulates a
transcription-factor-binding set whose answer is known (a motif planted in the bound sequences).
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import random
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .errors import LabError
from .files import write_atomic

ALPHABETS = {"dna": "ACGTN", "protein": "ACDEFGHIKLMNPQRSTVWYX"}
SIMULATOR_VERSION = "1.0"
GENERATOR = "random.Random (Mersenne Twister) from the Python standard library, random() draws only"

# The binding-site motif planted in simulated "bound" sequences: ten positions, each row the
# probabilities of A, C, G, T. Strong but not certain, with two positions that allow two letters
# (consensus T G A [C/G] T C A [G/T] C A).
PLANTED_MOTIF: tuple[tuple[float, float, float, float], ...] = (
    (0.05, 0.05, 0.05, 0.85),
    (0.05, 0.05, 0.85, 0.05),
    (0.85, 0.05, 0.05, 0.05),
    (0.05, 0.55, 0.35, 0.05),
    (0.05, 0.05, 0.05, 0.85),
    (0.05, 0.85, 0.05, 0.05),
    (0.85, 0.05, 0.05, 0.05),
    (0.05, 0.05, 0.70, 0.20),
    (0.05, 0.85, 0.05, 0.05),
    (0.85, 0.05, 0.05, 0.05),
)

GZIP_MAGIC = b"\x1f\x8b"
SHOWN = 3  # how many offending ids a message lists
MAX_KMER_FEATURES = 1 << 20
_UNKNOWN = 255  # code of a letter outside the coding letters (N, X, padding, separators)


def coding_letters(alphabet: str) -> str:
    """The letters that carry information: "ACGT" for dna, the 20 amino acids for protein.

    The alphabet's last letter (N or X, "unknown") is left out: it encodes as all zeros.
    """
    if alphabet not in ALPHABETS:
        raise LabError(
            f"lab.yaml field 'sequence.alphabet' is {alphabet!r}, which is not a known alphabet; "
            f"use one of {', '.join(ALPHABETS)}"
        )
    return ALPHABETS[alphabet][:-1]


def _examples(items, count: int | None = None) -> str:
    """'a, b, c' plus how many there are in all, for messages."""
    items = list(items)
    count = len(items) if count is None else count
    shown = ", ".join(map(str, items[:SHOWN]))
    return f"{count} ({shown}{', …' if count > SHOWN else ''})"


# FASTA input ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FastaRecord:
    """One sequence from a FASTA file, with the label its header may carry."""

    id: str
    sequence: str
    header_label: str | None
    line: int


def _read_text(path: Path, label: str) -> str:
    """The file's text, unzipped when it starts with the gzip magic bytes."""
    if not Path(path).is_file():
        raise LabError(f"{label} (lab.yaml field 'data.path') does not exist; put the FASTA file there or fix the path")
    raw = Path(path).read_bytes()
    if raw[:2] == GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise LabError(
                f"{label} is a gzip file that is corrupt or cut short ({exc}); download or compress it again"
            ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabError(
            f"{label} is not a text file (it holds bytes that are not UTF-8 text); "
            "check that lab.yaml field 'data.path' names the FASTA file"
        ) from None
    if not text.strip():
        raise LabError(f"{label} is empty; replace it with the full FASTA file")
    return text


def _record(line: int, header: str, chunks: list[str], label: str) -> FastaRecord:
    """Build one record from its header text (after '>') and its sequence lines."""
    words = header.split()
    seq_id, _, header_label = (words[0] if words else "").partition("|")
    if not seq_id:
        raise LabError(
            f"{label}: the header on line {line} has no sequence id; write it as >id or >id|label"
        )
    sequence = "".join("".join(chunks).split()).upper().removesuffix("*")
    if not sequence:
        raise LabError(
            f"{label}: sequence '{seq_id}' (header on line {line}) is empty; add its letters or remove the record"
        )
    return FastaRecord(id=seq_id, sequence=sequence, header_label=header_label or None, line=line)


def _parse_fasta(text: str, label: str) -> list[FastaRecord]:
    records, header, chunks = [], None, []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line:
            continue
        if line.startswith(">"):
            if header is not None:
                records.append(_record(*header, chunks, label))
            header, chunks = (number, line[1:]), []
        elif header is None:
            raise LabError(
                f"{label} is not a FASTA file (line {number} should start with '>' and a sequence id); "
                "check that lab.yaml field 'data.path' names the FASTA file"
            )
        else:
            chunks.append(line)
    records.append(_record(*header, chunks, label))
    return records


def read_fasta(path: Path, label: str) -> list[FastaRecord]:
    """Read a plain or gzipped FASTA file; headers look like `>id|label optional description`.

    `label` is the path as written in lab.yaml, used in messages. Sequences come back upper-case,
    without whitespace and without a final '*' (a protein stop).
    """
    records = _parse_fasta(_read_text(path, label), label)
    repeated = [seq_id for seq_id, n in Counter(r.id for r in records).items() if n > 1]
    if repeated:
        raise LabError(
            f"{label} repeats sequence ids: {_examples(repeated)}; give every sequence a unique id"
        )
    return records


def _letter_counts(sequences: list[str]) -> np.ndarray:
    """How often each byte value occurs over all sequences (non-ASCII letters count as '?')."""
    joined = "".join(sequences).encode("ascii", errors="replace")
    return np.bincount(np.frombuffer(joined, dtype=np.uint8), minlength=256)


def _share(counts: np.ndarray, letters: str) -> float:
    return counts[[ord(c) for c in letters]].sum() / max(counts.sum(), 1)


def check_alphabet(records, alphabet: str, label: str) -> None:
    """Check every letter belongs to the declared alphabet; catch DNA declared as protein and back.

    Raises a LabError naming the first offending sequence id and 1-based position.
    """
    coding_letters(alphabet)  # an unknown alphabet name is reported first
    allowed = ALPHABETS[alphabet]
    counts = _letter_counts([r.sequence for r in records])
    total = int(counts.sum())
    if alphabet == "protein" and total >= 20 and _share(counts, ALPHABETS["dna"]) >= 0.9:
        raise LabError(
            f"{label} looks like DNA ({_share(counts, ALPHABETS['dna']):.0%} of its letters are A, C, G, T or N) "
            "but is declared protein; set sequence.alphabet: dna in lab.yaml"
        )
    outside = counts.copy()
    outside[[ord(c) for c in ALPHABETS["dna"]]] = 0
    amino_only = "".join(sorted(set(ALPHABETS["protein"]) - set(ALPHABETS["dna"])))
    if (alphabet == "dna" and outside.sum() and outside.sum() == counts[[ord(c) for c in amino_only]].sum()
            and outside.sum() / total >= 0.1):
        raise LabError(
            f"{label} looks like protein ({outside.sum() / total:.0%} of its letters are amino acids other than "
            "A, C, G, T, N) but is declared dna; set sequence.alphabet: protein in lab.yaml"
        )
    stray = re.compile(f"[^{allowed}]")
    for record in records:
        found = stray.search(record.sequence)
        if found:
            raise LabError(
                f"{label}: sequence '{record.id}' has {found.group()!r} at position {found.start() + 1} (1-based), "
                f"which is not in the {alphabet} alphabet {allowed}; correct the sequence or set "
                "sequence.alphabet in lab.yaml"
            )


# labels ----------------------------------------------------------------------------------------
def _cells_as_text(values: pd.Series) -> list[str | None]:
    """Table cells as text, None where empty; whole-number floats lose their '.0' (1.0 -> '1')."""
    present = values.dropna()
    if pd.api.types.is_float_dtype(values) and (present == present.round()).all():
        values = values.astype("Int64")
    return [None if pd.isna(v) or not str(v).strip() else str(v).strip() for v in values.astype(object)]


def _table_ids(table: pd.DataFrame, id_column: str, table_label: str) -> list[str]:
    ids = _cells_as_text(table[id_column])
    blank = [row + 2 for row, value in enumerate(ids) if value is None]
    if blank:
        raise LabError(
            f"{table_label} has an empty '{id_column}' cell (lab.yaml field data.id_column) on line(s) "
            f"{_examples(blank)}; fill in the ids or delete those rows"
        )
    repeated = [value for value, n in Counter(ids).items() if n > 1]
    if repeated:
        raise LabError(
            f"{table_label} lists sequence ids more than once in column '{id_column}': {_examples(repeated)}; "
            "keep one row per id"
        )
    return ids


def _table_labels(table, ids, *, id_column, target, group_column, table_label):
    """The table's labels (None where an id is not listed) and its rows, both aligned to the FASTA ids."""
    from .columns import require_column

    for column, field in ((id_column, "data.id_column"), (target, "data.target"), (group_column, "data.group_column")):
        if column is not None:
            require_column(table, column, field, table_label)
    listed_ids = _table_ids(table, id_column, table_label)
    aligned = table.set_axis(listed_ids, axis=0).reindex(ids)
    listed = np.isin(ids, listed_ids)
    labels = _cells_as_text(aligned[target])
    blank = [seq_id for seq_id, value, known in zip(ids, labels, listed, strict=True) if known and value is None]
    if blank:
        raise LabError(
            f"{table_label} has an empty '{target}' cell (lab.yaml field data.target) for sequence ids "
            f"{_examples(blank)}; fill in their labels or delete those rows"
        )
    return labels, aligned


def _table_groups(aligned: pd.DataFrame, ids, group_column: str, table_label: str) -> np.ndarray:
    groups = _cells_as_text(aligned[group_column])
    missing = [seq_id for seq_id, group in zip(ids, groups, strict=True) if group is None]
    if missing:
        raise LabError(
            f"{table_label} gives no group in column '{group_column}' (lab.yaml field data.group_column) for "
            f"sequence ids {_examples(missing)}; add them to the table with their group"
        )
    return np.asarray(groups, dtype=str)


def _merge_labels(ids, header, table, fasta_label: str, table_label: str | None) -> np.ndarray:
    """One label per id from the header or the table; both must agree where both are given."""
    clash = [f"{i} (header {h!r}, table {t!r})" for i, h, t in zip(ids, header, table, strict=True)
             if h is not None and t is not None and h != t]
    if clash:
        raise LabError(
            f"the headers of {fasta_label} and {table_label} give different labels for sequences "
            f"{_examples(clash)}; make them agree or drop one source"
        )
    merged = [h if h is not None else t for h, t in zip(header, table, strict=True)]
    if all(value is None for value in merged):
        raise LabError(
            f"{fasta_label} has no labels: its headers are not written >id|label and lab.yaml names no label table; "
            "add >id|label headers or set data.labels in lab.yaml"
        )
    missing = [seq_id for seq_id, value in zip(ids, merged, strict=True) if value is None]
    if missing:
        where = f"in its headers or in {table_label}" if table_label else "in its headers"
        raise LabError(
            f"sequence ids of {fasta_label} have no label {where}: {_examples(missing)}; "
            "add them to the table or to the headers"
        )
    return np.asarray(merged, dtype=str)


def resolve_labels(records, table: pd.DataFrame | None, *, id_column: str, target: str,
                   group_column: str | None, fasta_label: str, table_label: str
                   ) -> tuple[np.ndarray, np.ndarray | None, pd.DataFrame]:
    """Labels (and groups) for each FASTA record, from `>id|label` headers, a side table, or both.

    Returns labels and groups in FASTA order, plus the table's other columns aligned to that order
    (a frame with no columns when there is no table). Table rows for ids not in the FASTA are ignored.
    """
    ids = [r.id for r in records]
    header = [r.header_label for r in records]
    if table is None:
        if group_column is not None:
            raise LabError(
                f"lab.yaml field 'data.group_column' is {group_column!r} but {fasta_label} has no label table to "
                "read groups from; set data.labels to a table with that column or set data.group_column: null"
            )
        labels = _merge_labels(ids, header, [None] * len(ids), fasta_label, None)
        return labels, None, pd.DataFrame(index=range(len(ids)))
    from_table, aligned = _table_labels(table, ids, id_column=id_column, target=target,
                                        group_column=group_column, table_label=table_label)
    labels = _merge_labels(ids, header, from_table, fasta_label, table_label)
    groups = _table_groups(aligned, ids, group_column, table_label) if group_column else None
    used = [c for c in (id_column, target, group_column) if c is not None]
    return labels, groups, aligned.drop(columns=used).reset_index(drop=True)


# lengths ---------------------------------------------------------------------------------------
def _length_error(label: str, seq_id: str, found: int, wanted: int, fix: str) -> LabError:
    return LabError(f"{label}: sequence '{seq_id}' has {found} letters, not {wanted}; {fix}")


def apply_length_policy(ids, sequences, policy: str, length: int | None, label: str) -> tuple[list[str], dict]:
    """Bring sequences to one length as lab.yaml says: "pad", "trim" (keep the centre) or "reject".

    Padding itself happens in the one-hot encoder (zeros after the end); trimmed sequences keep
    their central `length` letters. Returns the sequences and a record of what was done.
    """
    sizes = np.array([len(s) for s in sequences])
    if policy not in ("pad", "trim", "reject"):
        raise LabError(
            f"lab.yaml field 'sequence.length_policy' is {policy!r}; use one of pad, trim, reject"
        )
    if length is not None and length < 1:
        raise LabError(f"lab.yaml field 'sequence.length' is {length}; give a positive length or null")
    if policy == "pad":
        target = int(length or sizes.max())
        too_long = np.flatnonzero(sizes > target)
        if too_long.size:
            first = too_long[0]
            raise _length_error(label, ids[first], sizes[first], target,
                                "raise sequence.length in lab.yaml or set sequence.length_policy: trim")
        out = list(sequences)
    elif policy == "trim":
        target = int(length or sizes.min())
        out = [s[(len(s) - target) // 2:(len(s) - target) // 2 + target] if len(s) > target else s for s in sequences]
    else:
        target = int(length or sizes[0])
        differ = np.flatnonzero(sizes != target)
        if differ.size:
            first = differ[0]
            raise _length_error(label, ids[first], sizes[first], target,
                                "set sequence.length_policy: pad or trim in lab.yaml")
        out = list(sequences)
    info = {"policy": policy, "length": target, "shortest": int(sizes.min()), "longest": int(sizes.max()),
            "n_padded": int((sizes < target).sum()), "n_trimmed": int((sizes > target).sum())}
    return out, info


# simulated default -----------------------------------------------------------------------------
def _pick(probabilities, draw) -> int:
    """Index chosen with the given probabilities, from one uniform draw."""
    r, total = draw(), 0.0
    for index, p in enumerate(probabilities):
        total += p
        if r < total:
            return index
    return len(probabilities) - 1


def _background(length: int, draw) -> list[str]:
    return ["ACGT"[int(draw() * 4)] for _ in range(length)]


def _mutated(parent: str, motif_start: int | None, rate: float, draw) -> str:
    """A copy of `parent` with each letter outside the planted motif substituted with probability `rate`."""
    width = len(PLANTED_MOTIF)
    letters = list(parent)
    for pos, letter in enumerate(letters):
        if motif_start is not None and motif_start <= pos < motif_start + width:
            continue
        if draw() < rate:
            others = [c for c in "ACGT" if c != letter]
            letters[pos] = others[int(draw() * 3)]
    return "".join(letters)


def _check_simulation(n_sequences, length, fractions: dict) -> None:
    if n_sequences < 2:
        raise LabError(f"the simulated data set needs at least 2 sequences, not {n_sequences}; raise n_sequences")
    if length < len(PLANTED_MOTIF):
        raise LabError(
            f"simulated sequences must be at least {len(PLANTED_MOTIF)} letters long to hold the motif, "
            f"not {length}; raise length"
        )
    for name, value in fractions.items():
        if not 0 <= value <= 1:
            raise LabError(f"simulation setting {name} is {value}; give a fraction between 0 and 1")


def simulate_binding_sites(n_sequences=1200, length=80, positive_fraction=0.5, noise=0.05,
                           related_fraction=0.3, mutation_rate=0.08, seed=42
                           ) -> tuple[list[tuple[str, str, str, str]], dict]:
    """A simulated transcription-factor-binding set whose true answer is known.

    "bound" sequences carry one motif sampled from PLANTED_MOTIF at a random start; "unbound" are
    uniform background. `related_fraction` of the sequences are mutated copies of an earlier
    sequence of the same class (same family id): relatives that a random split would scatter.
    Finally `noise` of the labels are flipped. Only `random.Random(seed).random()` is drawn, so the
    result is identical on every Python. Returns (id, sequence, label, family) tuples and the settings.
    """
    fractions = {"positive_fraction": positive_fraction, "noise": noise,
                 "related_fraction": related_fraction, "mutation_rate": mutation_rate}
    _check_simulation(n_sequences, length, fractions)
    draw = random.Random(seed).random
    width, digits = len(PLANTED_MOTIF), max(4, len(str(n_sequences)))
    made, earlier = [], {"bound": [], "unbound": []}  # made: (sequence, label, family, motif start)
    n_families = n_copies = 0
    for index in range(n_sequences):
        label = "bound" if draw() < positive_fraction else "unbound"
        if earlier[label] and draw() < related_fraction:
            parent, _, family, start = made[earlier[label][int(draw() * len(earlier[label]))]]
            sequence, n_copies = _mutated(parent, start, mutation_rate, draw), n_copies + 1
        else:
            letters, start, n_families = _background(length, draw), None, n_families + 1
            if label == "bound":
                start = int(draw() * (length - width + 1))
                letters[start:start + width] = ["ACGT"[_pick(row, draw)] for row in PLANTED_MOTIF]
            sequence, family = "".join(letters), f"fam{n_families:0{digits}d}"
        earlier[label].append(index)
        made.append((sequence, label, family, start))
    flipped = [draw() < noise for _ in made]
    flip = {"bound": "unbound", "unbound": "bound"}
    records = [(f"sim{i + 1:0{digits}d}", seq, flip[lab] if f else lab, fam)
               for i, ((seq, lab, fam, _), f) in enumerate(zip(made, flipped, strict=True))]
    counts = Counter(r[2] for r in records)
    params = {"n_sequences": n_sequences, "length": length, **fractions, "seed": seed,
              "simulator_version": SIMULATOR_VERSION, "random_generator": GENERATOR,
              "planted_motif": [list(row) for row in PLANTED_MOTIF], "motif_letters": "ACGT",
              "motif_length": width, "counts": {"bound": counts["bound"], "unbound": counts["unbound"]},
              "n_labels_flipped": sum(flipped), "n_related_copies": n_copies, "n_families": n_families}
    return records, params


def write_fasta(path: Path, records, width: int = 80) -> str:
    """Write (id, sequence, label, family) records as FASTA with `>id|label family=F` headers.

    Lines wrap at `width` letters; the file is written atomically. Returns its sha256.
    """
    lines = []
    for seq_id, sequence, label, family in records:
        lines.append(f">{seq_id}|{label} family={family}")
        lines.extend(sequence[start:start + width] for start in range(0, len(sequence), width))
    data = ("\n".join(lines) + "\n").encode("ascii")
    write_atomic(Path(path), data)
    return hashlib.sha256(data).hexdigest()


def simulated_manifest_entry(path: str, params: dict, sha256: str) -> dict:
    """The data/manifest.yaml entry of a simulated file: clearly marked, with generator and settings."""
    return {
        "path": path,
        "description": (
            f"SIMULATED transcription-factor binding data, not measurements: {params['n_sequences']} DNA sequences "
            f"of {params['length']} letters; 'bound' sequences carry a {params['motif_length']}-letter motif "
            f"sampled from a known position weight matrix, 'unbound' are random background; "
            f"{params['related_fraction']:.0%} are mutated copies of earlier sequences (families) and "
            f"{params['noise']:.0%} of labels were flipped."
        ),
        "source": "simulated by this project's sequences.simulate_binding_sites (no laboratory source)",
        "accession": "none (simulated data)",
        "version": f"simulator {params['simulator_version']}, seed {params['seed']}",
        "retrieved": "not retrieved: generated locally from the seed",
        "licence": "CC0 1.0 (simulated data)",
        "citation": "Simulated data; no publication. Regenerate with sequences.simulate_binding_sites and the "
                    "settings under 'generator'.",
        "sha256": sha256,
        "generator": {"name": "sequences.simulate_binding_sites", "version": params["simulator_version"],
                      "params": params},
    }


# features --------------------------------------------------------------------------------------
def _as_sequences(X) -> list[str]:
    """Sequences from a DataFrame with a "sequence" column, or from a 1-D array or list of strings."""
    if isinstance(X, pd.DataFrame):
        if "sequence" not in X.columns:
            raise LabError(
                f"the sequence features need a column named 'sequence', not {', '.join(map(str, X.columns[:5]))}; "
                "pass the sequences as loaded by the study"
            )
        X = X["sequence"]
    values = np.asarray(X, dtype=object)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    return [str(s) for s in values.ravel()]


def _encode(sequences: list[str], letters: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All sequences end to end as letter codes (255 = not a coding letter; one separator after each).

    Returns (codes, row of each position, position of each within its sequence).
    """
    table = np.full(256, _UNKNOWN, dtype=np.uint8)
    for index, letter in enumerate(letters):
        table[ord(letter.upper())] = table[ord(letter.lower())] = index
    joined = "\n".join(sequences) + "\n"
    codes = table[np.frombuffer(joined.encode("ascii", errors="replace"), dtype=np.uint8)]
    sizes = np.array([len(s) + 1 for s in sequences], dtype=np.int64)
    rows = np.repeat(np.arange(len(sequences)), sizes)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return codes, rows, np.arange(codes.size) - starts


def _check_k(k: int, letters: str) -> None:
    if not isinstance(k, int | np.integer) or k < 1 or len(letters) ** k > MAX_KMER_FEATURES:
        raise LabError(
            f"k-mer size k={k} over {len(letters)} letters is not usable (k must be a whole number from 1 and "
            f"{len(letters)}**k at most {MAX_KMER_FEATURES}); choose a smaller k in lab.yaml"
        )


def kmer_profiles(sequences, k: int, letters: str) -> sparse.csr_matrix:
    """How often each k-mer occurs in each sequence (sparse counts, columns in lexicographic order).

    k-mers holding a letter outside `letters` (N, X) are skipped.
    """
    _check_k(k, letters)
    sequences = _as_sequences(sequences)
    size = len(letters)
    codes, rows, _ = _encode(sequences, letters)
    if codes.size < k:
        return sparse.csr_matrix((len(sequences), size**k))
    windows = np.lib.stride_tricks.sliding_window_view(codes, k)
    valid = (windows != _UNKNOWN).all(axis=1)
    index = windows[valid].astype(np.int64) @ (size ** np.arange(k - 1, -1, -1, dtype=np.int64))
    counts = sparse.coo_matrix((np.ones(index.size), (rows[: windows.shape[0]][valid], index)),
                               shape=(len(sequences), size**k))
    return counts.tocsr()


def _kmer_names(k: int, letters: str) -> np.ndarray:
    return np.array(["".join(t) for t in itertools.product(letters, repeat=k)], dtype=object)


class KmerCounts(TransformerMixin, BaseEstimator):
    """k-mer frequencies of each sequence: counts divided by the number of valid k-mers in it.

    A classical representation of a sequence (its word content, position ignored) for baselines.
    """

    def __init__(self, k=3, letters="ACGT"):
        self.k = k
        self.letters = letters

    def fit(self, X, y=None):
        _check_k(self.k, self.letters)
        self.n_features_out_ = len(self.letters) ** self.k
        return self

    def transform(self, X):
        counts = kmer_profiles(X, self.k, self.letters).toarray()
        totals = counts.sum(axis=1, keepdims=True)
        return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)

    def get_feature_names_out(self, input_features=None):
        return _kmer_names(self.k, self.letters)


class OneHotSequences(TransformerMixin, BaseEstimator):
    """Each sequence as a flat float32 row of length_*A values, position-major (index = pos*A + letter).

    Letters outside `letters` (N, X) and positions after a shorter sequence's end are zeros.
    """

    def __init__(self, letters="ACGT", length=None):
        self.letters = letters
        self.length = length

    def fit(self, X, y=None):
        self.length_ = int(self.length or max(len(s) for s in _as_sequences(X)))
        return self

    def transform(self, X):
        check_is_fitted(self, "length_")
        sequences = _as_sequences(X)
        too_long = [row for row, s in enumerate(sequences) if len(s) > self.length_]
        if too_long:
            row = too_long[0]
            raise LabError(
                f"sequence {row + 1} of {len(sequences)} has {len(sequences[row])} letters, more than the "
                f"{self.length_} the encoder was fitted to; set sequence.length_policy: trim in lab.yaml"
            )
        size = len(self.letters)
        codes, rows, positions = _encode(sequences, self.letters)
        keep = codes != _UNKNOWN
        out = np.zeros((len(sequences), self.length_ * size), dtype=np.float32)
        out[rows[keep], positions[keep] * size + codes[keep]] = 1.0
        return out

    def get_feature_names_out(self, input_features=None):
        return np.array([f"p{pos}_{letter}" for pos in range(1, self.length_ + 1) for letter in self.letters],
                        dtype=object)
