"""Benchmark the whole quick sequence pipeline on a user FASTA of simulated sequences with planted families.

Bakes a project with `modality=sequence` into a temporary folder, writes N simulated DNA windows of
L letters (the module's own `sequences.simulate_binding_sites`: a planted motif in "bound" windows and
`related_fraction` of the windows mutated copies of an earlier one, i.e. homolog families) as a FASTA
file with a side table of labels, records both with `data add`, points lab.yaml at them (no group
column: the homology split has to find the families itself) and runs `python -m <module> run` with the
quick profile. While it runs, the resident memory of the run's whole process tree (the runner, its
kernels, their workers and MMseqs2) is sampled every 0.5 s and charged to the notebook running then.

Prints, per notebook: wall seconds (from run.json) and peak memory of the process tree; then the total,
the homology facts notebook 01 recorded (method, clusters, closest test–training pair, test sequences
at or above min_identity) and the load average before and after (the machine may be shared).

Target: the whole run <= 20 minutes on 2 cores. A missed target prints MISSED; the exit status is 1
only when the run itself fails.

Run from the template's root:  .venv/bin/python benchmarks/bench_sequence.py [--n 100000] [--keep]
(`--resume PROJECT NN` resumes a kept project's latest run from notebook NN and times those notebooks.)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_runner import BIN, TEMPLATE_ROOT, module_name, progress  # noqa: E402

TARGET_SECONDS = 20 * 60
NOTEBOOKS = tuple(sorted(p.stem for p in (TEMPLATE_ROOT / "{{cookiecutter.project_slug}}" / "notebooks")
                         .glob("0*.ipynb")))


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def bake_sequence(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True)
    command = [str(BIN / "cookiecutter"), "--no-input", str(TEMPLATE_ROOT), "-o", str(out_dir), "modality=sequence"]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    return next(p for p in out_dir.iterdir() if p.is_dir())


def environment(project: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}


def write_inputs(project: Path, n: int, length: int, related: float, seed: int) -> None:
    """The FASTA (ids only in the headers) and the side table of labels, written by the module's simulator."""
    code = (f"from {module_name(project)}.sequences import simulate_binding_sites as s\n"
            "import json, sys\n"
            f"records, params = s(n_sequences={n}, length={length}, related_fraction={related}, seed={seed})\n"
            "json.dump({'records': records, 'params': params}, sys.stdout)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=environment(project))
    data = json.loads(done.stdout)
    raw = project / "data/raw"
    raw.mkdir(parents=True, exist_ok=True)
    with open(raw / "windows.fa", "w", encoding="ascii") as fasta:
        for rid, sequence, _, _ in data["records"]:
            fasta.write(f">{rid}\n{sequence}\n")
    with open(raw / "windows.csv", "w", newline="", encoding="ascii") as table:
        writer = csv.writer(table)
        writer.writerow(["window", "state"])
        writer.writerows((rid, label) for rid, _, label, _ in data["records"])
    params = data["params"]
    progress(f"{n} windows of {length} bp: {params['n_families']} families, {params['n_related_copies']} "
             "related copies")


class Sampler(threading.Thread):
    """Resident memory of a process tree every `every` seconds, charged to the notebook running then."""

    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.root, self.every, self.current = psutil.Process(pid), every, NOTEBOOKS[0]
        self.peak: dict[str, int] = {}
        self.cpu: dict[str, float] = {}  # CPU seconds of the tree while each notebook ran (sampled)
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            total, spent = 0, 0.0
            try:
                for proc in [self.root, *self.root.children(recursive=True)]:
                    try:
                        total += proc.memory_info().rss
                        times = proc.cpu_times()
                        now = times.user + times.system
                    except psutil.Error:
                        continue
                    spent += now - self.seen.get(proc.pid, 0.0)
                    self.seen[proc.pid] = now
            except psutil.Error:
                break
            self.peak[self.current] = max(self.peak.get(self.current, 0), total)
            self.cpu[self.current] = self.cpu.get(self.current, 0.0) + spent
            self.stop.wait(self.every)


def run_pipeline(project: Path, timeout: int, resume: str | None = None) -> tuple[int, float, dict, str]:
    command = [sys.executable, "-m", module_name(project), "run", *(["--from", resume] if resume else [])]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=project, env=environment(project), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    sampler = Sampler(proc.pid)
    if resume:
        sampler.current = next(name for name in NOTEBOOKS if name.startswith(resume))
    sampler.start()
    lines = []
    deadline = started + timeout
    for line in proc.stdout:  # "[i/8] name …" as each notebook starts
        lines.append(line)
        progress(line.rstrip())
        for name in NOTEBOOKS:
            if f"] {name} …" in line:
                sampler.current = name
        if time.perf_counter() > deadline:
            proc.kill()
    code = proc.wait()
    sampler.stop.set()
    sampler.join()
    return code, time.perf_counter() - started, sampler, "".join(lines)


def homology_facts(run_dir: Path) -> str:
    path = run_dir / "artifacts/01_data_provenance.json"
    if not path.is_file():
        return "no 01 artifact"
    facts = json.loads(path.read_text()).get("homology") or {}
    mine = (facts.get("this_split") or {}).get("test_to_train") or {}
    plain = (facts.get("random_split") or {}).get("test_to_train") or {}
    closest = (f"closest test-train pair {mine.get('max')} identity over {mine.get('coverage')} coverage"
               if mine.get("closest_pair") else "no test-train pair aligned at all")
    return (f"method {facts.get('method')}, {facts.get('n_clusters')} clusters (largest "
            f"{facts.get('largest_cluster')}), {closest}, {mine.get('n_related')} test sequences >= "
            f"{facts.get('min_identity')} (random split: {plain.get('n_related')}, closest {plain.get('max')})")


def prepare(project: Path, args) -> None:
    """Write the inputs, record them with `data add` and point lab.yaml at them (no group column)."""
    write_inputs(project, args.n, args.length, args.related_fraction, args.seed)
    module = module_name(project)
    for path in ("data/raw/windows.fa", "data/raw/windows.csv"):
        subprocess.run([sys.executable, "-m", module, "data", "add", path, "--source", "simulated (benchmark)"],
                       cwd=project, env=environment(project), check=True, capture_output=True, text=True)
    config = yaml.safe_load((project / "lab.yaml").read_text())
    config["data"].update(path="data/raw/windows.fa", labels="data/raw/windows.csv", target="state",
                          id_column="window", group_column=None)
    (project / "lab.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="sequences (default: %(default)s)")
    parser.add_argument("--length", type=int, default=200, help="letters each (default: %(default)s)")
    parser.add_argument("--related-fraction", type=float, default=0.3, help="share that are family copies")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=int, default=3600, help="seconds before the run is killed")
    parser.add_argument("--keep", action="store_true", help="keep the baked project and print its folder")
    parser.add_argument("--resume", nargs=2, metavar=("PROJECT", "NN"),
                        help="resume a kept project's latest run from notebook NN (times only those notebooks)")
    args = parser.parse_args()
    before = load()
    if args.resume:
        project, folder = Path(args.resume[0]), None
    else:
        folder = tempfile.mkdtemp(prefix="bench-seq-")
        progress(f"baking into {folder}")
        project = bake_sequence(Path(folder) / "bake")
        prepare(project, args)
    progress("running the quick pipeline")
    code, wall, sampler, output = run_pipeline(project, args.timeout, args.resume[1] if args.resume else None)
    peaks = sampler.peak
    after = load()
    runs = sorted((project / "reports/runs").glob("*/run.json"))
    record = json.loads(runs[-1].read_text()) if runs else {}
    seconds = {name: entry.get("seconds") for name, entry in (record.get("notebooks") or {}).items()}
    print(f"load average (1, 5, 15 min) before: {before}; after: {after}; {os.cpu_count()} CPU cores")
    print(f"data: {args.n} DNA windows of {args.length} bp, {args.related_fraction:.0%} family copies, "
          "user FASTA + label table")
    print(f"\n{'notebook':<22}{'wall':>10}{'CPU':>10}{'peak memory':>14}")
    for name in NOTEBOOKS:
        took = seconds.get(name)
        took = f"{took:8.1f} s" if isinstance(took, (int, float)) else f"{'-':>10}"
        peak = peaks.get(name)
        peak = f"{peak / 1024**3:10.2f} GB" if peak else f"{'-':>13}"
        cpu = f"{sampler.cpu[name]:8.1f} s" if name in sampler.cpu else f"{'-':>10}"
        print(f"{name:<22}{took:>10}{cpu:>10}{peak:>14}")
    print(f"{'total':<22}{wall:8.1f} s{sum(sampler.cpu.values()):8.1f} s"
          f"{max(peaks.values(), default=0) / 1024**3:10.2f} GB")
    print("CPU: user + system seconds of the run's process tree while each notebook ran (sampled every 0.5 s)")
    if runs:
        print(f"\nhomology (01): {homology_facts(runs[-1].parent)}")
    if code != 0:
        print(f"\nFAILED: run exited {code}\n{output[-3000:]}")
    elif wall > TARGET_SECONDS:
        print(f"\nMISSED: {wall:.0f} s (target <= {TARGET_SECONDS} s)")
    if args.keep or folder is None:
        print(f"\nproject kept in {project}")
    else:
        import shutil
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
