"""Benchmark the homology clustering behind the sequence split: old k-mer, new k-mer and MMseqs2, side by side.

Bakes a project with the template's defaults into a temporary folder (for its module), simulates
sequence sets with planted families, and times clustering all of them into related groups:

  old kmer  cosine similarity of 5-mer (protein: 3-mer) counts >= 0.4, all pairs (radius_neighbors_graph), as the
            split did before identity-based clustering; run only where it is feasible (DNA up to
            10,000 and protein 2,000 sequences: time and memory grow with the square of n);
  new kmer  `homology.identity_clusters(method="kmer")`: identity estimated from shared canonical
            k-mers, sparse inverted-index search, min_identity 0.8 (DNA) / 0.3 (protein);
  mmseqs    `homology.identity_clusters(method="mmseqs")`: MMseqs2 alignments (DNA on both strands),
            coverage 0.8, same min_identity.

Data: DNA of 200 letters at 2,000 / 10,000 / 50,000 / 100,000 sequences and protein of 300 letters at
2,000 / 20,000; half the sequences found families, the rest are substituted copies of a founder at
75-98% identity (DNA, a fifth of them reverse-complemented) or 30-90% (protein). Each measurement runs
in a fresh process; peak memory is the largest resident set of that process and its children (MMseqs2).
Printed per method: wall seconds, CPU seconds (process and children, user + system: on a shared
machine this says more than wall time), peak memory, and the share of planted copies at or above
min_identity that each method puts in their founder's cluster (recall).

Targets: 100,000 DNA sequences in <= 120 s and <= 2 GB with the default method (mmseqs). A missed target
prints MISSED. The numbers mean something only on an idle machine: the load average is printed first.

Run from the template's root:  .venv/bin/python benchmarks/bench_splits.py [--sizes dna:2000,protein:2000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_runner import bake, module_name, progress  # noqa: E402

DEFAULT_SIZES = "dna:2000,dna:10000,dna:50000,dna:100000,protein:2000,protein:20000"
LETTERS = {"dna": "ACGT", "protein": "ACDEFGHIKLMNPQRSTVWY"}
LENGTH = {"dna": 200, "protein": 300}
IDENTITY = {"dna": (0.75, 0.98), "protein": (0.3, 0.9)}
OLD_FEASIBLE = {"dna": 10_000, "protein": 2_000}
METHODS = ("old kmer", "new kmer", "mmseqs")
TARGET_SECONDS, TARGET_GB = 120, 2.0
TIMEOUT = 1800


def simulate(alphabet: str, n: int, seed: int = 0) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Sequences with planted families: each one's founder (itself for founders) and identity to it."""
    rng = np.random.default_rng(seed)
    size, length = len(LETTERS[alphabet]), LENGTH[alphabet]
    codes = rng.integers(0, size, (n, length), dtype=np.int8)
    is_copy = rng.random(n) < 0.5
    is_copy[0] = False
    founders, copies = np.flatnonzero(~is_copy), np.flatnonzero(is_copy)
    founder, identity = np.arange(n), np.ones(n)
    founder[copies] = founders[(rng.random(copies.size) * np.searchsorted(founders, copies)).astype(int)]
    low, high = IDENTITY[alphabet]
    for row in copies:
        codes[row] = codes[founder[row]]
        changed = rng.random(length) > rng.uniform(low, high)
        codes[row, changed] = (codes[row, changed] + rng.integers(1, size, changed.sum())) % size
        identity[row] = 1 - changed.mean()
        if alphabet == "dna" and rng.random() < 0.2:
            codes[row] = 3 - codes[row, ::-1]
    table = np.frombuffer(LETTERS[alphabet].encode(), dtype=np.uint8)
    return [row.tobytes().decode() for row in table[codes]], founder, identity


def old_kmer(sequences, letters: str) -> np.ndarray:
    """The split's clustering before identity: cosine of 5-mer counts >= 0.4, all pairs."""
    from scipy.sparse.csgraph import connected_components
    from sklearn.neighbors import radius_neighbors_graph

    from_module = __import__(os.environ["BENCH_MODULE"] + ".sequences", fromlist=["kmer_profiles"])
    profiles = from_module.kmer_profiles(sequences, 5 if letters == "ACGT" else 3, letters)
    links = radius_neighbors_graph(profiles, radius=0.6, metric="cosine", mode="connectivity", include_self=False)
    return connected_components(links, directed=False)[1]


def worker(method: str, alphabet: str, path: str) -> None:
    """Run in a fresh process: cluster the sequences in `path`, print wall time, peak memory and recall."""
    module = os.environ["BENCH_MODULE"]
    homology = __import__(module + ".homology", fromlist=["identity_clusters"])
    data = json.loads(Path(path).read_text())
    sequences, founder, identity = data["sequences"], np.asarray(data["founder"]), np.asarray(data["identity"])
    start = time.perf_counter()
    if method == "old kmer":
        clusters = old_kmer(sequences, LETTERS[alphabet])
    else:
        used = {"method": method.split()[-1], "min_identity": homology.MIN_IDENTITY[alphabet], "coverage": 0.8,
                "k": homology.KMER_K[alphabet]}
        clusters = homology.identity_clusters(sequences, method=used["method"], alphabet=alphabet, used=used)
    wall = time.perf_counter() - start
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    peak_kb = max(u.ru_maxrss for u in usage)
    cpu = sum(u.ru_utime + u.ru_stime for u in usage)  # CPU seconds: less sensitive to a busy machine than wall
    floor = homology.MIN_IDENTITY[alphabet]
    copies = np.flatnonzero((founder != np.arange(len(founder))) & (identity >= floor))  # should be linked
    recall = float(np.mean(clusters[copies] == clusters[founder[copies]])) if copies.size else 1.0
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_gb": peak_kb / 1024**2, "recall": recall,
                      "clusters": int(len(set(clusters.tolist())))}))


def measure(project: Path, method: str, alphabet: str, path: Path) -> dict | None:
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "BENCH_MODULE": module_name(project)}
    command = [sys.executable, __file__, "--worker", method, alphabet, str(path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"over {TIMEOUT} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:80]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def cell(result: dict | None) -> str:
    if result is None:
        return f"{'not run':>36}"
    if "error" in result:
        return f"{result['error'][:36]:>36}"
    return f"{result['wall']:7.1f} s {result.get('cpu', 0):7.1f} s {result['peak_gb']:5.2f} GB {result['recall']:6.1%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="alphabet:n,… (default: %(default)s)")
    parser.add_argument("--methods", default=",".join(METHODS), help="which of them (default: %(default)s)")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} CPU cores")
    with tempfile.TemporaryDirectory(prefix="bench-split-") as folder:
        project = bake(Path(folder) / "bake")
        methods = [m for m in METHODS if m in args.methods.split(",")]
        print(f"\n{'data':<16}" + "".join(f"{m + ' (wall, CPU, peak, recall)':>38}" for m in methods))
        for item in args.sizes.split(","):
            alphabet, n = item.split(":")[0], int(item.split(":")[1])
            progress(f"simulating {n} {alphabet} sequences")
            sequences, founder, identity = simulate(alphabet, n)
            path = Path(folder) / f"{alphabet}-{n}.json"
            path.write_text(json.dumps({"sequences": sequences, "founder": founder.tolist(),
                                        "identity": identity.tolist()}))
            row = {}
            for method in methods:
                if method == "old kmer" and n > OLD_FEASIBLE[alphabet]:
                    row[method] = None
                    continue
                progress(f"{method} on {n} {alphabet}")
                row[method] = measure(project, method, alphabet, path)
            print(f"{alphabet + ' ' + str(n):<16}" + "".join(f"{cell(row[m]):>38}" for m in methods), flush=True)
            best = row.get("mmseqs")
            if alphabet == "dna" and n >= 100_000 and best and "error" not in best:
                if best["wall"] > TARGET_SECONDS or best["peak_gb"] > TARGET_GB:
                    print(f"MISSED: {n} DNA sequences took {best['wall']:.0f} s and {best['peak_gb']:.2f} GB "
                          f"(target <= {TARGET_SECONDS} s, <= {TARGET_GB} GB)")
    print("\nrecall: share of planted copies at or above min_identity (0.8 DNA, 0.3 protein) to their founder that "
          "share its cluster (DNA copies 75-98% identical, a fifth reverse-complemented; protein 30-90%).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
