"""DNA and protein sequences: FASTA input, checks and the simulated binding set (Tip 5).

Reads plain or gzipped FASTA, checks the declared alphabet, applies the recorded length policy, and
simulates a transcription-factor-binding set whose answer is known (a motif planted in the bound
sequences). Labels from headers or a side table are joined in sequence_labels.py, features
(k-mer frequencies, one-hot) are in sequence_features.py, homology in homology.py.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...common.errors import LabError
from ...common.files import write_atomic

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
