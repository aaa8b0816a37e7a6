"""Benchmark the whole protocol as the rows grow, beside a plain script fitting the same models once.

In a project baked with the template's defaults it writes synthetic tables
(`sklearn.datasets.make_classification`, 50 features, 10 informative, two classes) of each size
(default 1,000; 10,000; 100,000 rows), records each with `data add`, and runs the quick pipeline
on it (`python -m <module> run -p data.path=...`). While the run goes, the process tree is
polled: per notebook (its kernel and everything the kernel starts, such as tuning workers) the
CPU seconds, the wall seconds (run.json) and the peak resident memory of the run.
Beside each run, a plain script fits the same six families once with scikit-learn's and the
module's default settings on the same training rows and scores them on the tune rows: the
cost any study of these data pays. It also measures the fixed cost of each notebook: a fresh
interpreter importing what the notebook imports (kernel start-up comes on top, the same for all).

Printed: one table per size, the fitted exponent per notebook between the two largest sizes
(log CPU ratio / log size ratio), the protocol's CPU as a multiple of the plain script's, the
load average before and after, and the targets (100,000 rows: <= 10 min wall, <= 4 GB peak,
exponent <= 1.2, protocol <= 4x the plain script). A missed target prints MISSED; the exit
status is 0 unless a command fails.

Run from the template's root:  .venv/bin/python benchmarks/bench_scale.py [--sizes 1000 10000]
Progress goes to stderr, results to stdout (and JSON with --json FILE).
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_runner import bake, environment, module_name, progress  # noqa: E402

SIZES = (1000, 10000, 100000)
N_FEATURES = 50
POLL_SECONDS = 0.5
TARGET_WALL = 600.0
TARGET_MEMORY_GB = 4.0
TARGET_EXPONENT = 1.2
TARGET_MULTIPLE = 4.0
RUN_TIMEOUT = 3600

PLAIN_SCRIPT = """
import resource, sys, time
import numpy as np, pandas as pd
from sklearn.model_selection import train_test_split
from {module}_engine.tasks.classification.models import FAMILIES, make_model
from {module}_engine.models.networks import make_network
from {module}_engine.tasks.classification.evaluation import score_model
table = pd.read_csv(sys.argv[1])
X, y = table.drop(columns=["sample_id", "label"]), table["label"].to_numpy()
X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=0.6, stratify=y, random_state=42)
X_tune, _, y_tune, _ = train_test_split(X_rest, y_rest, train_size=0.5, stratify=y_rest, random_state=42)
import torch
torch.set_num_threads(1)  # as in the notebooks' kernels (seed_everything): CPU seconds comparable under load
start = time.process_time()
models = {{family: make_model(family, X_train, seed=0) for family in FAMILIES if family != "prior"}}
models["network"] = make_network(X_train, {{"epochs": {epochs}, "early_stopping": True}}, seed=0)
for family, model in models.items():
    model.fit(X_train, y_train)
    score_model(model, X_tune, y_tune)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(time.process_time() - start, usage.ru_maxrss / 1024)
"""


def write_table(project: Path, n_rows: int) -> Path:
    import numpy as np
    import pandas as pd
    from sklearn.datasets import make_classification

    X, y = make_classification(n_rows, N_FEATURES, n_informative=10, random_state=0)
    table = pd.DataFrame(np.round(X, 6), columns=[f"f{i:02d}" for i in range(N_FEATURES)])
    table.insert(0, "sample_id", [f"s{i:06d}" for i in range(n_rows)])
    table["label"] = np.where(y == 1, "positive", "negative")
    path = project / "data" / "external" / f"synthetic_{n_rows}.csv"
    table.to_csv(path, index=False)
    return path


def command(project: Path, module: str, *args: str, timeout: int = RUN_TIMEOUT) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", module, *args], cwd=project, env=environment(project),
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise SystemExit(f"`{module} {' '.join(args)}` failed (exit {result.returncode}):\n{tail}")
    return result


class TreeMonitor(threading.Thread):
    """Polls a process tree: CPU seconds per kernel (by its `<label>.kernel.log`) and peak total RSS."""

    def __init__(self, root: psutil.Process):
        super().__init__(daemon=True)
        self.root, self.stop = root, threading.Event()
        self.cpu = {}  # pid -> last seen user+system seconds
        self.owner = {}  # pid -> notebook label
        self.peak_rss = 0

    def run(self):
        while not self.stop.is_set():
            self.poll()
            time.sleep(POLL_SECONDS)

    def poll(self):
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        rss = 0
        for process in processes:
            try:
                times, memory = process.cpu_times(), process.memory_info()
                if process.pid not in self.owner:
                    self.owner[process.pid] = self.label(process)
            except psutil.Error:
                continue
            rss += memory.rss
            self.cpu[process.pid] = times.user + times.system
        self.peak_rss = max(self.peak_rss, rss)

    def label(self, process: psutil.Process) -> str:
        for ancestor in [process, *process.parents()]:
            if ancestor.pid == self.root.pid:
                return "runner"
            if ancestor.pid in self.owner and self.owner[ancestor.pid] != "runner":
                return self.owner[ancestor.pid]
            for handle in ancestor.open_files():
                match = re.search(r"([^/]+)\.kernel\.log$", handle.path)
                if match:
                    return match.group(1)
        return "runner"

    def per_notebook(self) -> dict[str, float]:
        totals = {}
        for pid, seconds in self.cpu.items():
            label = self.owner.get(pid, "runner")
            totals[label] = totals.get(label, 0.0) + seconds
        return totals


def run_pipeline(project: Path, module: str, data: Path) -> dict:
    relative = data.relative_to(project)
    args = [sys.executable, "-m", module, "run", "-p", f"data.path={relative}", "-p", "data.target=label",
            "-p", "data.positive_class=positive", "-p", "data.id_column=sample_id"]
    start = time.perf_counter()
    process = psutil.Popen(args, cwd=project, env=environment(project), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    monitor = TreeMonitor(process)
    monitor.start()
    output = []
    for line in process.stdout:
        output.append(line)
        progress(line.rstrip())
    process.wait(timeout=RUN_TIMEOUT)
    monitor.stop.set()
    monitor.join()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"the pipeline failed on {relative} (exit {process.returncode}):\n{''.join(output[-15:])}")
    run_dir = project / re.search(r"results in (\S+?)/? ", "".join(output)).group(1)
    manifest = json.loads((run_dir / "run.json").read_text())
    walls = {name: entry.get("seconds") for name, entry in manifest["notebooks"].items()}
    cpu = monitor.per_notebook()
    notebooks = {name: {"wall": walls[name], "cpu": round(cpu.get(name, 0.0), 1)} for name in walls}
    return {"wall": round(wall, 1), "cpu": round(sum(cpu.values()), 1), "runner_cpu": round(cpu.get("runner", 0), 1),
            "peak_gb": round(monitor.peak_rss / 2**30, 2), "notebooks": notebooks}


def run_plain(project: Path, module: str, data: Path, epochs: int) -> dict:
    script = PLAIN_SCRIPT.format(module=module, epochs=epochs)
    result = subprocess.run([sys.executable, "-c", script, str(data)], cwd=project, env=environment(project),
                            capture_output=True, text=True, timeout=RUN_TIMEOUT)
    if result.returncode != 0:
        raise SystemExit(f"the plain script failed:\n{result.stderr[-2000:]}")
    cpu, peak_mb = map(float, result.stdout.split()[-2:])
    return {"cpu": round(cpu, 1), "peak_gb": round(peak_mb / 1024, 2)}


def import_costs(project: Path) -> dict[str, float]:
    """CPU seconds of a fresh interpreter importing what each notebook imports (its top-level imports)."""
    costs = {}
    for notebook in sorted((project / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        statements = []
        for cell in json.loads(notebook.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:
                continue
            statements += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        script = "\n".join(["import resource", *statements, "u = resource.getrusage(resource.RUSAGE_SELF)",
                            "print(u.ru_utime + u.ru_stime)"])
        result = subprocess.run([sys.executable, "-c", script], cwd=project / "notebooks",
                                env=environment(project), capture_output=True, text=True, timeout=300)
        costs[notebook.stem] = round(float(result.stdout.split()[-1]), 2) if result.returncode == 0 else None
    return costs


def kernel_costs(project: Path, repeats: int = 3) -> dict[str, dict]:
    """Per notebook, median of `repeats`: a fresh kernel started and the notebook's imports run in it (wall
    seconds from start to the imports' end, and the kernel's CPU seconds), and whether PyTorch got imported."""
    import statistics

    from jupyter_client.manager import KernelManager

    costs = {}
    for notebook in sorted((project / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        code = "\n".join([*notebook_imports(notebook), "import sys", "print('torch' in sys.modules)"])
        walls, cpus, torch = [], [], []
        for _ in range(repeats):
            start = time.perf_counter()
            manager = KernelManager(kernel_name="python3")
            manager.start_kernel(cwd=str(project / "notebooks"), env=environment(project), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            client = manager.client()
            client.start_channels()
            client.wait_for_ready(120)
            client.execute_interactive(code, timeout=300, output_hook=functools.partial(_keep_text, torch))
            walls.append(time.perf_counter() - start)
            times = psutil.Process(manager.provisioner.process.pid).cpu_times()
            cpus.append(times.user + times.system)
            client.stop_channels()
            manager.shutdown_kernel(now=True)
        costs[notebook.stem] = {"wall": round(statistics.median(walls), 2), "cpu": round(statistics.median(cpus), 2),
                                "torch": "True" in torch}
    return costs


def _keep_text(kept: list, message: dict) -> None:
    if message["msg_type"] == "stream":
        kept.append(message["content"].get("text", "").strip())


def notebook_imports(notebook: Path) -> list[str]:
    """The import statements of a notebook's code cells, in order."""
    statements = []
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:
            continue
        statements += [ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    return statements


def exponent(small: float, large: float, n_small: int, n_large: int) -> float | None:
    if not small or not large or small <= 0 or large <= 0:
        return None
    return round(math.log(large / small) / math.log(n_large / n_small), 2)


def report(results: dict, imports: dict, load: list) -> None:
    sizes = sorted(results)
    names = list(results[sizes[0]]["pipeline"]["notebooks"])
    print(f"load average before: {load[0]}; after: {load[1]}; CPUs: {os.cpu_count()}")
    print("\nimports per notebook (CPU s, fresh interpreter):")
    for name, seconds in imports.items():
        print(f"  {name:<24} {seconds}")
    header = "".join(f"{f'{n:,} cpu':>12}{'wall':>8}" for n in sizes)
    print(f"\n{'notebook':<24}{header}{'exponent':>10}")
    misses = []
    for name in names:
        row = "".join(f"{results[n]['pipeline']['notebooks'][name]['cpu']:>12.1f}"
                      f"{results[n]['pipeline']['notebooks'][name]['wall'] or 0:>8.1f}" for n in sizes)
        fitted = None
        if len(sizes) >= 2:
            a, b = (results[n]["pipeline"]["notebooks"][name]["cpu"] for n in sizes[-2:])
            fitted = exponent(a, b, *sizes[-2:])
            if fitted is not None and fitted > TARGET_EXPONENT:
                misses.append(f"{name} exponent {fitted} > {TARGET_EXPONENT}")
        print(f"{name:<24}{row}{fitted if fitted is not None else '':>10}")
    for label, key in (("runner (parent)", "runner_cpu"), ("protocol total", "cpu")):
        print(f"{label:<24}" + "".join(f"{results[n]['pipeline'][key]:>12.1f}{'':>8}" for n in sizes))
    print(f"{'protocol wall':<24}" + "".join(f"{'':>12}{results[n]['pipeline']['wall']:>8.1f}" for n in sizes))
    print(f"{'peak memory GB':<24}" + "".join(f"{results[n]['pipeline']['peak_gb']:>12.2f}{'':>8}" for n in sizes))
    print(f"{'plain script CPU':<24}" + "".join(f"{results[n]['plain']['cpu']:>12.1f}{'':>8}" for n in sizes))
    multiples = {n: results[n]["pipeline"]["cpu"] / max(results[n]["plain"]["cpu"], 1e-9) for n in sizes}
    print(f"{'protocol / plain':<24}" + "".join(f"{multiples[n]:>12.1f}{'':>8}" for n in sizes))
    largest = sizes[-1]
    if largest >= 100000:
        top = results[largest]["pipeline"]
        if top["wall"] > TARGET_WALL:
            misses.append(f"wall {top['wall']} s > {TARGET_WALL} s at {largest:,} rows")
        if top["peak_gb"] > TARGET_MEMORY_GB:
            misses.append(f"peak {top['peak_gb']} GB > {TARGET_MEMORY_GB} GB at {largest:,} rows")
    if multiples[largest] > TARGET_MULTIPLE:
        misses.append(f"protocol {multiples[largest]:.1f}x the plain script > {TARGET_MULTIPLE}x at {largest:,} rows")
    print("\n" + ("\n".join(f"MISSED: {m}" for m in misses) if misses else "all targets met"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--template", type=Path, default=None, help="bake this template instead of this one")
    parser.add_argument("--imports-only", action="store_true", help="measure only each notebook's import cost")
    parser.add_argument("--kernels", action="store_true",
                        help="measure only each notebook's kernel start plus imports (wall, CPU, whether torch loads)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the baked project")
    parser.add_argument("--plain-from", type=Path, default=None,
                        help="JSON of an earlier run (--json) whose plain-script CPU is reused for its sizes")
    parser.add_argument("--merge", type=Path, default=None,
                        help="JSON of an earlier run (--json) whose sizes join this run's table")
    args = parser.parse_args()
    if args.template is not None:
        import bench_runner
        bench_runner.TEMPLATE_ROOT = args.template.resolve()
    load_before = [round(v, 2) for v in os.getloadavg()]
    workdir = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    project = bake(workdir / "baked")
    module = module_name(project)
    progress(f"baked {project}")
    if args.kernels:
        print(f"load average: {[round(v, 2) for v in os.getloadavg()]}")
        print(f"{'notebook':<24}{'wall s':>8}{'CPU s':>8}  torch")
        for name, cost in kernel_costs(project).items():
            print(f"{name:<24}{cost['wall']:>8.2f}{cost['cpu']:>8.2f}  {'yes' if cost['torch'] else 'no'}")
        return
    imports = import_costs(project)
    results = {}
    if not args.imports_only:
        epochs = 60
        for n_rows in sorted(args.sizes):
            data = write_table(project, n_rows)
            command(project, module, "data", "add", str(data.relative_to(project)), "--source", "make_classification",
                    "--licence", "CC0", "--version", "synthetic")
            progress(f"{n_rows:,} rows: the quick pipeline")
            pipeline = run_pipeline(project, module, data)
            reusable = args.plain_from is not None and args.plain_from.is_file()
            earlier = json.loads(args.plain_from.read_text())["results"] if reusable else {}
            if str(n_rows) in earlier:  # the plain script does not change with the protocol
                progress(f"{n_rows:,} rows: the plain script's CPU from {args.plain_from}")
                plain = earlier[str(n_rows)]["plain"]
            else:
                progress(f"{n_rows:,} rows: the plain script")
                plain = run_plain(project, module, data, epochs)
            results[n_rows] = {"pipeline": pipeline, "plain": plain}
            if args.json:  # after every size, so a long benchmark stopped later keeps what it measured
                args.json.write_text(json.dumps({"load": [load_before], "imports": imports, "results": results}))
    load = [load_before, [round(v, 2) for v in os.getloadavg()]]
    if args.merge:
        earlier = json.loads(args.merge.read_text())
        results = {**{int(n): r for n, r in earlier["results"].items()}, **results}
        progress(f"merged sizes {sorted(int(n) for n in earlier['results'])} from {args.merge} "
                 f"(load then: {earlier['load']})")
    if results:
        report(results, imports, load)
    else:
        print(f"load average before: {load[0]}; after: {load[1]}")
        for name, seconds in imports.items():
            print(f"  {name:<24} {seconds}")
    if args.json:
        args.json.write_text(json.dumps({"load": load, "imports": imports, "results": results}, indent=1))
    if not args.keep:
        import shutil
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        progress(f"kept {workdir}")


if __name__ == "__main__":
    main()
