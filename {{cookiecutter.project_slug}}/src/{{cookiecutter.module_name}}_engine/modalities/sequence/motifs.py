"""What a sequence network looks at: per-position attributions and the motif they spell (Tip 8).

Integrated gradients attribute the network's positive-class output to each letter of each
sequence, starting from an all-zero input ("no letter at any position"). Summed over letters
they give a per-position profile; the best-scoring window of each sequence, stacked, gives a
letter-frequency matrix that can be set against a known motif. On simulated data, where the
planted motif is known, a high correlation is a real test that the interpretation finds what is
truly there; on real data the recovered motif is a hypothesis to check, not a discovery.
"""

import itertools

import numpy as np

from ...common.errors import LabError
from ...interpretation.tables import importance_frame, network_parts
from .network import TorchCNNClassifier

_CHUNK = 128  # sequences per integrated-gradients call: n_steps x _CHUNK rows go through the network at once
_MAX_KMER_CELLS = 50_000_000


def sequence_attributions(model, X, *, n_steps=32, positive_class=None):
    """Integrated gradients of a fitted sequence-network Pipeline for the positive class, per position and letter.

    Returns (attributions, onehot, convergence): two float64 arrays of shape (sequences,
    length, letters) — the attribution of each one-hot input and the input itself — and the
    largest and mean absolute convergence delta (how far the attributions miss the output
    difference from the baseline; small is good, more n_steps makes it smaller). The positive
    class is `positive_class` (lab.yaml data.positive_class) or, when None, the last of the
    network's classes; a positive attribution pushes the prediction towards it.
    """
    import torch
    from captum.attr import IntegratedGradients

    prep, network = network_parts(model)
    if not isinstance(network, TorchCNNClassifier):
        raise LabError("sequence attributions need a fitted sequence network (1D CNN) at the end of the Pipeline.")
    if int(n_steps) < 2:
        raise LabError(f"integrated gradients need at least 2 steps, not {n_steps}.")
    flat = np.asarray(prep.transform(X), dtype=np.float32)
    letters = int(network.n_letters)
    n, width = flat.shape
    length = width // letters
    module = network.module_
    module.eval()
    device = next(module.parameters()).device
    target, sign = _positive_output(network.classes_, positive_class)
    explainer = IntegratedGradients(module)
    attributions, deltas = [], []
    for start in range(0, n, _CHUNK):
        inputs = torch.as_tensor(flat[start : start + _CHUNK], device=device)
        attribution, delta = explainer.attribute(
            inputs, baselines=torch.zeros_like(inputs), target=target, n_steps=int(n_steps),
            return_convergence_delta=True,
        )  # fmt: skip
        attributions.append(sign * attribution.detach().cpu().numpy().astype(np.float64))
        deltas.append(np.abs(delta.detach().cpu().numpy().astype(np.float64)))
    attributions = np.concatenate(attributions) if attributions else np.zeros((0, width))
    deltas = np.concatenate(deltas) if deltas else np.zeros(0)
    convergence = {
        "max_abs_delta": round(float(deltas.max()), 6) if len(deltas) else 0.0,
        "mean_abs_delta": round(float(deltas.mean()), 6) if len(deltas) else 0.0,
        "n_steps": int(n_steps),
    }
    shape = (n, length, letters)
    return attributions.reshape(shape), flat.astype(np.float64).reshape(shape), convergence


def position_profile(attributions):
    """Mean over sequences of each position's attribution summed over letters: shape (length,)."""
    values = _three_d(attributions, "attributions")
    if len(values) == 0:
        raise LabError("a position profile needs the attributions of at least one sequence.")
    return values.sum(axis=2).mean(axis=0)


def recovered_motif(attributions, onehot, width, letters=None, align=True):
    """The letters in each sequence's highest-attribution window, aligned and stacked into a frequency matrix.

    For every sequence the window of `width` positions with the largest summed attribution is
    kept (the first one on ties). With `align` the windows are widened, slid (and for DNA
    letters turned to the other strand) so that their attributions agree with the strongest
    window's and then with their running profile (motif_align), and the most informative
    `width` positions of the stack are kept; without it they are stacked as found. Counting
    letters position by position gives a width x letters matrix whose rows sum to 1.
    Positions without a letter (padding or an unknown letter) are not counted; a position no
    sequence has a letter at is uniform.
    Pass the positive sequences: that is where a motif should be.
    Returns {"pwm", "width", "n_sequences", "window_starts", "aligned", "information_content"}
    and, when `letters` are given, "consensus".
    """
    from .motif_align import (
        align_windows,
        complement_order,
        consensus,
        frequencies,
        information_content,
        most_informative,
    )

    values, letters_onehot = _three_d(attributions, "attributions"), _three_d(onehot, "onehot")
    if values.shape != letters_onehot.shape:
        raise LabError(
            f"attributions {values.shape} and one-hot inputs {letters_onehot.shape} must have the same shape."
        )
    n, length, alphabet = values.shape
    width = int(width)
    if not 1 <= width <= length:
        raise LabError(f"the motif width must lie between 1 and the sequence length {length}, not {width}.")
    if n == 0:
        raise LabError("a motif can only be recovered from at least one sequence.")
    per_position = values.sum(axis=2)
    cumulative = np.concatenate([np.zeros((n, 1)), np.cumsum(per_position, axis=1)], axis=1)
    window_sums = cumulative[:, width:] - cumulative[:, :-width]  # (n, length - width + 1)
    starts = np.argmax(window_sums, axis=1)  # first maximum on ties
    result = {"width": width, "n_sequences": int(n), "window_starts": [int(s) for s in starts], "aligned": bool(align)}
    if align:
        stacked, placements = align_windows(letters_onehot, values, starts, width, complement_order(letters))
        pwm, _ = most_informative(stacked, width)
        result["placements"] = [[int(shift), bool(reverse)] for shift, reverse in placements]
    else:
        windows = letters_onehot[np.arange(n)[:, None], starts[:, None] + np.arange(width)[None, :]]
        pwm = frequencies(windows.sum(axis=0))
    result["pwm"] = np.round(pwm, 6).tolist()
    result["information_content"] = [round(float(b), 6) for b in information_content(pwm)]
    if letters is not None:
        result["consensus"] = consensus(pwm, letters, "N" if complement_order(letters) is not None else "X")
    return result


def motif_correlation(recovered_pwm, planted_pwm, max_shift=2):
    """Best Pearson correlation between two position-by-letter matrices, allowing the recovered one to slide.

    Shift s compares recovered row i with planted row i + s, keeping only overlaps of at least
    (shorter width - max_shift) rows (and 2): for motifs of one width, s runs from -max_shift to
    max_shift; a shorter motif may also sit anywhere along a longer one.
    Returns {"pearson", "shift", "overlap"}; ties go to the smallest shift.
    """
    recovered = np.asarray(recovered_pwm, dtype=np.float64)
    planted = np.asarray(planted_pwm, dtype=np.float64)
    if recovered.ndim != 2 or planted.ndim != 2 or recovered.shape[1] != planted.shape[1]:
        raise LabError(
            f"motifs of shapes {recovered.shape} and {planted.shape} cannot be compared; "
            "both must be positions x letters over the same alphabet."
        )
    if int(max_shift) < 0:
        raise LabError(f"the largest motif shift must be at least 0, not {max_shift}.")
    needed = max(2, min(len(recovered), len(planted)) - int(max_shift))
    best = None
    shifts = range(-len(recovered) + 1, len(planted))  # a shorter motif may sit anywhere along a longer one
    for shift in sorted(shifts, key=lambda s: (abs(s), s)):
        rows = [i for i in range(len(recovered)) if 0 <= i + shift < len(planted)]
        if len(rows) < needed:
            continue
        a = recovered[rows].ravel()
        b = planted[[i + shift for i in rows]].ravel()
        pearson = float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else 0.0
        if best is None or pearson > best["pearson"]:
            best = {"pearson": round(pearson, 6), "shift": shift, "overlap": len(rows)}
    if best is None:
        raise LabError(
            f"motifs of widths {len(recovered)} and {len(planted)} overlap by too few positions to compare."
        )
    return best


def kmer_attribution_table(attributions, onehot, letters, k):
    """Mean over sequences of the attribution carried by each k-mer, as an importance table.

    Each occurrence of a k-mer contributes the attributions of its k positions (summed over
    letters); per sequence these are added up, and the table gives the mean over sequences with
    its spread and 95% interval, in interpret.COLUMNS — the same layout as a k-mer baseline's
    permutation importances, so interpret.importance_agreement can compare the two rankings.
    k-mers over a position without a letter (padding, unknown letter) are skipped.
    """
    values, coded = _three_d(attributions, "attributions"), _three_d(onehot, "onehot")
    n, length, alphabet = coded.shape
    letters, k = str(letters), int(k)
    if len(letters) != alphabet or len(set(letters)) != alphabet:
        raise LabError(f"the one-hot inputs have {alphabet} letters, but '{letters}' names {len(letters)}.")
    if not 1 <= k <= length:
        raise LabError(f"the k-mer length must lie between 1 and the sequence length {length}, not {k}.")
    if n == 0:
        raise LabError("a k-mer attribution table needs the attributions of at least one sequence.")
    n_kmers = alphabet**k
    if n_kmers * n > _MAX_KMER_CELLS:
        raise LabError(
            f"{n_kmers} possible {k}-mers over {n} sequences are too many to tabulate; "
            "use a shorter k-mer length or fewer sequences."
        )
    order = sorted(range(alphabet), key=lambda i: letters[i])  # lexicographic k-mers
    rank = np.empty(alphabet, dtype=np.int64)
    rank[order] = np.arange(alphabet)
    present = coded.sum(axis=2) > 0
    index = np.where(present, rank[coded.argmax(axis=2)], -1)  # (n, length): rank of each letter, -1 if none
    per_position = values.sum(axis=2)
    starts = length - k + 1
    codes = np.zeros((n, starts), dtype=np.int64)
    valid = np.ones((n, starts), dtype=bool)
    scores = np.zeros((n, starts))
    for offset in range(k):
        part = index[:, offset : offset + starts]
        codes = codes * alphabet + np.maximum(part, 0)
        valid &= part >= 0
        scores += per_position[:, offset : offset + starts]
    sequence = np.broadcast_to(np.arange(n)[:, None], codes.shape)
    bins = codes[valid] * n + sequence[valid]
    per_kmer = np.bincount(bins, weights=scores[valid], minlength=n_kmers * n).reshape(n_kmers, n)
    names = ["".join(letters[i] for i in combo) for combo in itertools.product(order, repeat=k)]
    return importance_frame(names, per_kmer)


def _positive_output(classes, positive_class):
    """(network output to attribute, sign): a binary network's one logit favours classes[1], so classes[0] flips it."""
    classes = [str(c) for c in classes]
    positive = classes[-1] if positive_class is None else str(positive_class)
    if positive not in classes:
        raise LabError(
            f"lab.yaml field 'data.positive_class' is '{positive_class}', which the network never saw; "
            f"use one of {', '.join(classes)}."
        )
    if len(classes) == 2:
        return 0, (1.0 if positive == classes[1] else -1.0)
    return classes.index(positive), 1.0


def _three_d(array, name):
    values = np.asarray(array, dtype=np.float64)
    if values.ndim != 3:
        raise LabError(f"{name} must have shape (sequences, positions, letters), not {values.shape}.")
    return values
