"""Aligning the windows a network looked at into one motif, and naming what it resembles (Tip 8).

The best-attributed window of each sequence lands somewhere on the motif, not always at its
start; stacked as they are, the windows blur the motif. Each window is widened, slid (and for
DNA turned to the other strand) to agree best with a reference — the strongest window, then
the running profile — and the most informative stretch of the aligned stack is read off as a
frequency matrix, its consensus and its information content per position. A local file of
known motifs (JASPAR's plain format, never downloaded) names the closest known family.
"""

import re
from pathlib import Path

import numpy as np

from ...common.errors import LabError

COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}
CONSENSUS_BITS = 0.5  # a position with less information than this is written as the unknown letter
RESEMBLES = 0.75  # Pearson at or above which the recovered motif is said to resemble a known one


def complement_order(letters):
    """Index of each letter's complement (DNA), or None when the letters are not A, C, G, T."""
    if letters is None or sorted(letters) != sorted(COMPLEMENT):
        return None
    return [letters.index(COMPLEMENT[letter]) for letter in letters]


def _windows(letters_onehot, starts, width, margin):
    """Each window widened by `margin` positions on both sides (zeros beyond the sequence)."""
    n, length, alphabet = letters_onehot.shape
    padded = np.concatenate([np.zeros((n, margin, alphabet)), letters_onehot, np.zeros((n, margin, alphabet))], 1)
    offsets = np.asarray(starts)[:, None] + np.arange(width + 2 * margin)[None, :]
    return padded[np.arange(n)[:, None], offsets]


def _best_placement(window, profile, margin, complement):
    """(shift, reverse) of one widened window that agrees best with the profile (ties: no shift, forward)."""
    options = [(window, False)] + ([(window[::-1][:, complement], True)] if complement is not None else [])
    best = None
    for shift in sorted(range(-margin, margin + 1), key=lambda s: (abs(s), s)):
        for oriented, reverse in options:
            placed = np.zeros_like(profile)
            placed[margin + shift: margin + shift + len(window)] = oriented
            score = float((placed * profile).sum())
            if best is None or score > best[0] + 1e-12:
                best = (score, shift, reverse)
    return best[1], best[2]


def _stack(windows, placements, margin, complement):
    n, span, alphabet = windows.shape
    stacked = np.zeros((n, span + 2 * margin, alphabet))
    for i, (shift, reverse) in enumerate(placements):
        window = windows[i][::-1][:, complement] if reverse else windows[i]
        stacked[i, margin + shift: margin + shift + span] = window
    return stacked


def align_windows(letters_onehot, evidence, starts, width, complement=None, rounds=2):
    """Slide each widened window (and turn it, for DNA) to agree with the strongest one, then with the profile.

    Windows are compared by their `evidence` (the attributions, negative ones set to zero): what
    the network looked at, not the letters alone, so windows a network did not single out are
    not pulled into a motif by alignment itself. Returns (stacked letters, placements as
    (shift, reversed)); the stack is read on the strand most windows lie on.
    """
    margin = max(1, width // 2)
    letters = _windows(letters_onehot, starts, width, margin)
    weights = _windows(np.clip(evidence, 0, None), starts, width, margin)
    span = letters.shape[1]
    profile = np.zeros((span + 2 * margin, letters.shape[2]))
    profile[margin: margin + span] = weights[int(np.argmax(weights.sum(axis=(1, 2))))]
    placements = []
    for _ in range(int(rounds)):
        placements = [_best_placement(w, profile, margin, complement) for w in weights]
        profile = _stack(weights, placements, margin, complement).sum(axis=0)
    stacked = _stack(letters, placements, margin, complement)
    if complement is not None and 2 * sum(reverse for _, reverse in placements) > len(placements):
        stacked = stacked[:, ::-1][:, :, complement]
        placements = [(-shift, not reverse) for shift, reverse in placements]
    return stacked, placements


def information_content(pwm):
    """Bits per position: log2(letters) minus the entropy of the position's frequencies."""
    pwm = np.asarray(pwm, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(pwm > 0, pwm * np.log2(pwm), 0.0).sum(axis=1)
    return np.log2(pwm.shape[1]) - entropy


def frequencies(counts):
    totals = counts.sum(axis=1, keepdims=True)
    return np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), 1.0 / counts.shape[1])


def most_informative(stacked, width):
    """The `width` consecutive positions of the aligned stack with most information (weighted by coverage)."""
    counts = stacked.sum(axis=0)
    coverage = counts.sum(axis=1) / max(1, len(stacked))
    weighted = information_content(frequencies(counts)) * coverage
    sums = np.convolve(weighted, np.ones(width), mode="valid")
    start = int(np.argmax(sums))
    return frequencies(counts[start: start + width]), start


def consensus(pwm, letters, unknown="N"):
    """The most frequent letter at each position; the unknown letter where a position holds little information."""
    bits = information_content(pwm)
    return "".join(letters[int(np.argmax(row))] if b >= CONSENSUS_BITS else unknown for row, b in zip(pwm, bits,
                                                                                                      strict=True))


# known motifs ------------------------------------------------------------------------------
def read_known_motifs(path, letters, label="sequence.known_motifs"):
    """Motifs of a local JASPAR-format file: '>ID name' then one row of counts per letter ('A [ 1 2 … ]').

    Returns {"ID name": frequency matrix (positions x letters in `letters` order)}.
    """
    path = Path(path)
    if not path.is_file():
        raise LabError(f"{path} (lab.yaml field '{label}') does not exist; give a local motif file or set it to null")
    motifs, name, rows = {}, None, {}

    def close():
        if name is not None:
            if sorted(rows) != sorted(letters) or len({len(r) for r in rows.values()}) != 1:
                raise LabError(f"{path}: motif '{name}' needs one row of counts for each of {', '.join(letters)} "
                               f"(lab.yaml field '{label}'); fix the file")
            counts = np.array([rows[letter] for letter in letters], dtype=np.float64).T
            motifs[name] = frequencies(counts)

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(">"):
            close()
            name, rows = line[1:].strip(), {}
        elif line.strip() and name is not None:
            letter, _, values = line.strip().partition(" ")
            try:
                rows[letter.upper()] = [float(v) for v in re.sub(r"[\[\]]", " ", values).split()]
            except ValueError:
                raise LabError(f"{path}: motif '{name}' has a row that is not numbers ({line.strip()[:40]}); "
                               "use JASPAR's plain format") from None
    close()
    if not motifs:
        raise LabError(f"{path} holds no motif (lab.yaml field '{label}'); use JASPAR's plain format ('>ID name')")
    return motifs


def closest_known(pwm, known, letters, compare):
    """Known motifs ranked by Pearson with the recovered one (both strands for DNA), best first.

    `compare(a, b)` is motifs.motif_correlation. A match is named only at or above RESEMBLES.
    """
    complement = complement_order(letters)
    ranked = []
    for name, matrix in known.items():
        options = [(matrix, "+")] + ([(matrix[::-1][:, complement], "-")] if complement is not None else [])
        scores = []
        for oriented, strand in options:
            try:
                scores.append({**compare(pwm, oriented), "strand": strand})
            except LabError:  # too short to overlap
                continue
        if scores:
            best = max(scores, key=lambda s: s["pearson"])
            ranked.append({"name": name, **best})
    ranked.sort(key=lambda r: (-r["pearson"], r["name"]))
    resembles = ranked[0]["name"] if ranked and ranked[0]["pearson"] >= RESEMBLES else None
    return {"resembles": resembles, "threshold": RESEMBLES, "ranked": ranked[:5]}
