"""Benchmark the project's network trainer and the scaling of its tuning, side by side.

Bakes a project with the template's defaults into a temporary folder, then measures:

a. Training loop, one thread, same seed, on the built-in data (569 x 30, standardised):
   MLP 30-64-64-1, 200 epochs, batch 32, Adam with learning rate 1e-3.
     1. the module's trainer (`TorchMLPClassifier.fit`);
     2. skorch's `NeuralNetBinaryClassifier` (no internal validation split);
     3. a plain `DataLoader(TensorDataset)` loop with shuffling;
     4. a minimal hand-written loop slicing a permuted index, PyTorch's default Adam;
     5. the same minimal loop with the fused Adam kernel the module's trainer uses.
   Median seconds over R repeats and the ratio of each to the module's trainer.
   Targets: the trainer >= 2x faster than skorch, and within 1.1x of the minimal loop (4).
a'. The same for regression, in the same run, on scikit-learn's bundled diabetes study (442 x 10,
   standardised; no download): MLP 10-64-64-1, MSE loss, same epochs, batch and optimiser.
     1. the module's regression trainer (`TorchMLPRegressor.fit`, which standardises the target itself);
     2. skorch's `NeuralNetRegressor` on the standardised target (no internal validation split);
     3. the minimal hand-written slicing loop, PyTorch's default Adam.
   Target: the regression trainer >= 2x faster than skorch.
b. Tuning scale, same total number of trials:
     1. one shared study (SQLite file), network family: one `tune` process running 2K trials
        against two `tune` processes started together, K trials each;
     2. notebook 04's per-family search: `tune_families(..., workers=1)` against workers=2.
   Target: speed-up >= 1.6x with two workers on two free cores.
c. Devices: the module's MLP on 20,000 x 100 random features and its CNN on 20,000 random DNA windows
   of 200 bp (one-hot), --device-epochs epochs (default 20), batch 32 and 256, epochs per second on the
   CPU (one thread) and, where CUDA is present, on the GPU (deterministic algorithms on), side by side.
   Target: the CNN at least 20x faster per epoch on the GPU than on one CPU thread.

A missed target prints MISSED; the exit status is 0 unless a timed command fails. The numbers
are only meaningful on an otherwise idle machine: the script prints the load average first.

Run from the template's root:  .venv/bin/python benchmarks/bench_models.py [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_runner import bake, module_name, progress  # noqa: E402

EPOCHS, BATCH, LR, HIDDEN = 200, 32, 1e-3, (64, 64)
TARGET_SKORCH, TARGET_MINIMAL, TARGET_SCALE = 2.0, 1.1, 1.6


# a. training loop ------------------------------------------------------------------------
def load_data(project: Path):
    import numpy as np
    import pandas as pd
    from sklearn.preprocessing import StandardScaler

    frame = pd.read_csv(project / "data/external/breast_cancer_wisconsin.csv")
    X = StandardScaler().fit_transform(frame.drop(columns=["sample_id", "diagnosis"])).astype(np.float32)
    y = (frame["diagnosis"] == "malignant").to_numpy(dtype=np.float32)
    return X, y


def mlp(n_inputs: int):
    from torch import nn

    return nn.Sequential(nn.Linear(n_inputs, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))


def run_module(module: str, X, y) -> None:
    import importlib

    nets = importlib.import_module(f"{module}_engine.models.nets")
    nets.TorchMLPClassifier(hidden=HIDDEN, epochs=EPOCHS, batch_size=BATCH, lr=LR, seed=0).fit(X, y)


def run_skorch(X, y) -> None:
    import torch
    from skorch import NeuralNetBinaryClassifier

    torch.manual_seed(0)
    net = NeuralNetBinaryClassifier(
        mlp(X.shape[1]), max_epochs=EPOCHS, batch_size=BATCH, lr=LR, optimizer=torch.optim.Adam,
        train_split=None, iterator_train__shuffle=True, verbose=0,
    )
    net.fit(X, y)


def run_dataloader(X, y) -> None:
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    model, loss_fn = mlp(X.shape[1]), torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    loader = DataLoader(TensorDataset(torch.as_tensor(X), torch.as_tensor(y).unsqueeze(1)), batch_size=BATCH,
                        shuffle=True)
    for _ in range(EPOCHS):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()


def run_minimal(X, y, fused: bool = False) -> None:
    import torch

    torch.manual_seed(0)
    X_t, y_t = torch.as_tensor(X), torch.as_tensor(y).unsqueeze(1)
    model, loss_fn = mlp(X.shape[1]), torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, fused=fused or None)
    for _ in range(EPOCHS):
        order = torch.randperm(len(X_t))
        for start in range(0, len(X_t), BATCH):
            rows = order[start : start + BATCH]
            optimizer.zero_grad()
            loss_fn(model(X_t[rows]), y_t[rows]).backward()
            optimizer.step()


def bench_loops(module: str, project: Path, repeats: int) -> dict[str, float]:
    import torch

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    X, y = load_data(project)
    labels = y.astype(int)
    methods = {
        "module trainer": lambda: run_module(module, X, labels),
        "skorch NeuralNetBinaryClassifier": lambda: run_skorch(X, y),
        "DataLoader(TensorDataset) loop": lambda: run_dataloader(X, y),
        "minimal slicing loop (default Adam)": lambda: run_minimal(X, y),
        "minimal slicing loop (fused Adam)": lambda: run_minimal(X, y, fused=True),
    }
    seconds: dict[str, list[float]] = {name: [] for name in methods}
    for method in methods.values():  # one untimed warm-up each
        method()
    for repeat in range(repeats):
        for name, method in methods.items():  # interleaved, so a busy moment hits every method alike
            start = time.perf_counter()
            method()
            seconds[name].append(time.perf_counter() - start)
        progress(f"training loops: repeat {repeat + 1}/{repeats}")
    return {name: statistics.median(values) for name, values in seconds.items()}


def report_loops(medians: dict[str, float]) -> None:
    ours = medians["module trainer"]
    print(f"\na. Training loop: MLP 30-64-64-1, {EPOCHS} epochs, batch {BATCH}, Adam {LR:g}, one thread")
    print(f"   {'method':<38} {'median s':>9} {'x module':>9}")
    for name, value in medians.items():
        print(f"   {name:<38} {value:9.3f} {value / ours:9.2f}")
    skorch = medians["skorch NeuralNetBinaryClassifier"] / ours
    minimal = ours / medians["minimal slicing loop (default Adam)"]
    print(f"   speed-up over skorch {skorch:.2f}x (target >= {TARGET_SKORCH}x) "
          f"{'ok' if skorch >= TARGET_SKORCH else 'MISSED'}")
    print(f"   module / minimal loop {minimal:.2f}x (target <= {TARGET_MINIMAL}x) "
          f"{'ok' if minimal <= TARGET_MINIMAL else 'MISSED'}")


# a'. regression training loop ----------------------------------------------------------------
def load_regression_data():
    import numpy as np
    from sklearn.datasets import load_diabetes
    from sklearn.preprocessing import StandardScaler

    X, y = load_diabetes(return_X_y=True, scaled=False)
    return StandardScaler().fit_transform(X).astype(np.float32), y.astype(np.float64)


def run_module_regressor(module: str, X, y) -> None:
    import importlib

    heads = importlib.import_module(f"{module}_engine.tasks.regression.networks")
    heads.TorchMLPRegressor(hidden=HIDDEN, epochs=EPOCHS, batch_size=BATCH, lr=LR, seed=0).fit(X, y)


def run_skorch_regressor(X, z) -> None:
    import torch
    from skorch import NeuralNetRegressor

    torch.manual_seed(0)
    net = NeuralNetRegressor(
        mlp(X.shape[1]), max_epochs=EPOCHS, batch_size=BATCH, lr=LR, optimizer=torch.optim.Adam,
        train_split=None, iterator_train__shuffle=True, verbose=0,
    )
    net.fit(X, z)


def run_minimal_regressor(X, z) -> None:
    import torch

    torch.manual_seed(0)
    X_t, y_t = torch.as_tensor(X), torch.as_tensor(z)
    model, loss_fn = mlp(X.shape[1]), torch.nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    for _ in range(EPOCHS):
        order = torch.randperm(len(X_t))
        for start in range(0, len(X_t), BATCH):
            rows = order[start : start + BATCH]
            optimizer.zero_grad()
            loss_fn(model(X_t[rows]), y_t[rows]).backward()
            optimizer.step()


def bench_regression_loops(module: str, repeats: int) -> dict[str, float]:
    import numpy as np
    import torch

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    X, y = load_regression_data()
    z = ((y - y.mean()) / y.std()).astype(np.float32).reshape(-1, 1)  # what the module trains on, given to the others
    methods = {
        "module regression trainer": lambda: run_module_regressor(module, X, y),
        "skorch NeuralNetRegressor": lambda: run_skorch_regressor(X, z),
        "minimal slicing loop (default Adam)": lambda: run_minimal_regressor(X, z),
    }
    seconds: dict[str, list[float]] = {name: [] for name in methods}
    for method in methods.values():
        method()
    for repeat in range(repeats):
        for name, method in methods.items():
            start = time.perf_counter()
            method()
            seconds[name].append(time.perf_counter() - start)
        progress(f"regression training loops: repeat {repeat + 1}/{repeats}")
    return {name: statistics.median(values) for name, values in seconds.items()}


def report_regression_loops(medians: dict[str, float]) -> None:
    ours = medians["module regression trainer"]
    print(f"\na'. Regression training loop: MLP 10-64-64-1 on the diabetes study (442 rows), MSE, {EPOCHS} epochs, "
          f"batch {BATCH}, Adam {LR:g}, one thread")
    print(f"   {'method':<38} {'median s':>9} {'x module':>9}")
    for name, value in medians.items():
        print(f"   {name:<38} {value:9.3f} {value / ours:9.2f}")
    skorch = medians["skorch NeuralNetRegressor"] / ours
    print(f"   speed-up over skorch {skorch:.2f}x (target >= {TARGET_SKORCH}x) "
          f"{'ok' if skorch >= TARGET_SKORCH else 'MISSED'}")


# c. devices ------------------------------------------------------------------------------
TARGET_GPU = 20.0
DEVICE_ROWS, DEVICE_FEATURES, WINDOW = 20_000, 100, 200


def device_data(kind: str):
    import numpy as np

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, DEVICE_ROWS)
    if kind == "MLP":
        return rng.normal(size=(DEVICE_ROWS, DEVICE_FEATURES)).astype(np.float32), y
    letters = rng.integers(0, 4, (DEVICE_ROWS, WINDOW))
    return np.eye(4, dtype=np.float32)[letters].reshape(DEVICE_ROWS, 4 * WINDOW), y


def epochs_per_second(module: str, kind: str, device: str, batch: int, epochs: int, data) -> float:
    import importlib

    nets = importlib.import_module(f"{module}_engine.models.nets")
    conv_nets = importlib.import_module(f"{module}_engine.modalities.sequence.network")
    nets.seed_everything(0)
    common = {"epochs": epochs, "batch_size": batch, "seed": 0, "device": device}
    model = (nets.TorchMLPClassifier(hidden=(64, 64), **common) if kind == "MLP"
             else conv_nets.TorchCNNClassifier(n_letters=4, channels=16, kernel_size=9, hidden=(32,), **common))
    start = time.perf_counter()
    model.fit(*data)
    return epochs / (time.perf_counter() - start)


def bench_devices(module: str, epochs: int) -> dict[tuple[str, int], dict[str, float]]:
    import torch

    torch.set_num_threads(1)
    devices = ["cpu", *(["cuda"] if torch.cuda.is_available() else [])]
    rows = {}
    for kind in ("MLP", "CNN"):
        data = device_data(kind)
        for batch in (32, 256):
            rows[(kind, batch)] = {device: epochs_per_second(module, kind, device, batch, epochs, data)
                                   for device in devices}
            progress(f"devices: {kind} batch {batch}: {rows[(kind, batch)]}")
    return rows


def report_devices(rows: dict, epochs: int) -> None:
    import torch

    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else "no CUDA device here"
    print(f"\nc. Devices: {epochs} epochs, epochs per second; MLP 100-64-64-1 on {DEVICE_ROWS:,} x {DEVICE_FEATURES}, "
          f"CNN (16 filters of 9) on {DEVICE_ROWS:,} DNA windows of {WINDOW} bp; GPU: {gpu}")
    print(f"   {'network':<8} {'batch':>5} {'CPU, 1 thread':>14} {'CUDA':>10} {'CUDA / CPU':>11}")
    for (kind, batch), cells in rows.items():
        cuda = cells.get("cuda")
        ratio = f"{cuda / cells['cpu']:10.1f}x" if cuda else f"{'n/a':>11}"
        verdict = ""
        if cuda and kind == "CNN":
            verdict = f"  (target >= {TARGET_GPU:g}x) {'ok' if cuda / cells['cpu'] >= TARGET_GPU else 'MISSED'}"
        cuda_text = f"{cuda:10.2f}" if cuda else f"{'n/a':>10}"
        print(f"   {kind:<8} {batch:>5} {cells['cpu']:14.2f} {cuda_text} {ratio}{verdict}")


# b. tuning scale -------------------------------------------------------------------------
def tune_command(project: Path, module: str, storage: str, study: str, n_trials: int, epochs: int) -> list[str]:
    return [sys.executable, "-m", module, "tune", "--storage", storage, "--study", study, "--family", "network",
            "--n-trials", str(n_trials), "-p", f"profiles.quick.epochs={epochs}",
            # every trial the same size and length (no early stop, no pruning), so both runs do the same work
            "-p", "tuning.fixed={network: {hidden: [64, 64], patience: 100000}}", "--no-prune"]


def time_workers(project: Path, module: str, workers: int, trials_each: int, epochs: int,
                 scratch: Path) -> dict[str, float]:
    """Wall time of `workers` tune processes on one fresh study, and what the study's trials record."""
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    storage = f"sqlite:///{scratch / f'scale-{workers}-{time.monotonic_ns()}.db'}"
    start = time.perf_counter()
    running = [
        subprocess.Popen(tune_command(project, module, storage, "scale", trials_each, epochs), cwd=project, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(workers)
    ]
    for process in running:
        _, err = process.communicate(timeout=1800)
        if process.returncode != 0:
            raise SystemExit(f"tune failed: {err.strip()}")
    return {"wall": time.perf_counter() - start, **search_record(storage)}


def search_record(storage: str) -> dict[str, float]:
    """Epochs the study's trials trained and the span from the first trial's start to the last one's end.

    The span leaves out each worker's start-up (imports, data, study), a fixed cost paid once
    however long the search runs.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    trials = optuna.load_study(study_name="scale", storage=storage).trials
    span = max(t.datetime_complete for t in trials) - min(t.datetime_start for t in trials)
    return {"epochs": sum(int(t.user_attrs.get("stopped_epoch", 0)) for t in trials),
            "span": span.total_seconds()}


def time_family_pool(project: Path, module: str, workers: int, n_trials: int) -> float:
    code = f"""
import sys, time
from pathlib import Path
sys.path.insert(0, {str(project / 'src')!r})
from {module}_engine.settings.config import load_config
from {module}_engine.data.loading import load_dataset
from {module}_engine.models.nets import seed_everything
from {module}_engine.splits.making import make_split
from {module}_engine.tuning.spaces import TUNABLE
from {module}_engine.tuning.search import tune_families
if __name__ == "__main__":  # the pool's worker processes import this script's module again
    seed_everything(42)
    cfg = load_config({str(project / 'lab.yaml')!r})
    d = load_dataset(cfg, Path({str(project)!r}))
    s = make_split(d.y, d.groups, cfg.split.train, cfg.split.tune, cfg.seed)
    parts = [d.X.iloc[s.train].reset_index(drop=True), d.y[s.train],
             d.X.iloc[s.tune].reset_index(drop=True), d.y[s.tune]]
    start = time.perf_counter()
    fixed = {{"network": {{"epochs": 60}}}}
    tune_families(TUNABLE, *parts, n_trials={n_trials}, seed=42, fixed=fixed, workers={workers})
    print(time.perf_counter() - start)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=1800, cwd=project)
    if result.returncode != 0:
        raise SystemExit(f"family pool failed: {result.stderr.strip()[-500:]}")
    return float(result.stdout.strip().splitlines()[-1])


def bench_scale(project: Path, module: str, trials_each: int, epochs: int, pool_trials: int, repeats: int,
                scratch: Path) -> dict[str, tuple[float, float, bool]]:
    """Rows of (1 worker, 2 workers, whether the target applies), medians over the repeats."""
    shared = {1: [], 2: []}
    pool = {1: [], 2: []}
    for repeat in range(repeats):
        shared[1].append(time_workers(project, module, 1, 2 * trials_each, epochs, scratch))
        shared[2].append(time_workers(project, module, 2, trials_each, epochs, scratch))
        pool[1].append(time_family_pool(project, module, 1, pool_trials))
        pool[2].append(time_family_pool(project, module, 2, pool_trials))
        progress(f"tuning scale: repeat {repeat + 1}/{repeats}")

    def median(n, key):
        return statistics.median(key(r) for r in shared[n])

    return {
        f"shared study, network, {2 * trials_each} trials: wall s": (
            median(1, lambda r: r["wall"]), median(2, lambda r: r["wall"]), True),
        "  start-up s per worker (wall − search span)": (
            median(1, lambda r: r["wall"] - r["span"]), median(2, lambda r: r["wall"] - r["span"]), False),
        "  search throughput, epochs trained per s": (
            median(1, lambda r: r["epochs"] / r["span"]), median(2, lambda r: r["epochs"] / r["span"]), True),
        f"per-family pool, 6 families x {pool_trials} trials: wall s": (
            statistics.median(pool[1]), statistics.median(pool[2]), False),
    }


def report_scale(rows: dict[str, tuple[float, float, bool]]) -> None:
    print("\nb. Tuning scale: one worker against two on the same total number of trials (medians)")
    print(f"   {'search':<52} {'1 worker':>9} {'2 workers':>10} {'speed-up':>9}")
    for name, (one, two, targeted) in rows.items():
        higher_is_better = "per s" in name
        ratio = two / one if higher_is_better else one / two
        if "start-up" in name:
            print(f"   {name:<52} {one:9.2f} {two:10.2f}")
            continue
        verdict = (f"(target >= {TARGET_SCALE}x) {'ok' if ratio >= TARGET_SCALE else 'MISSED'}" if targeted
                   else "(for reference)")
        print(f"   {name:<52} {one:9.2f} {two:10.2f} {ratio:8.2f}x  {verdict}")
    print("   Shared study: every trial runs all its epochs (tune --no-prune), so both runs do the same work;")
    print("   each worker's start-up is a fixed cost paid once per process, whatever the length of the search.")
    print("   The per-family pool keeps each family's study sequential (results independent of the number of")
    print("   workers), so its speed-up is capped by the slowest family (the random forest, about 60% of the work).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="repeats of each training loop (default 5)")
    parser.add_argument("--scale-repeats", type=int, default=1, help="repeats of each tuning-scale run (default 1)")
    parser.add_argument("--trials", type=int, default=30, help="trials per worker in the shared study (default 30)")
    parser.add_argument("--epochs", type=int, default=200,
                        help="network epochs per trial in the shared study (default 200)")
    parser.add_argument("--pool-trials", type=int, default=20, help="trials per family in the per-family pool")
    parser.add_argument("--skip-loops", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-devices", action="store_true", help="skip c. (CPU against CUDA)")
    parser.add_argument("--device-epochs", type=int, default=20, help="epochs per fit in c. (default 20)")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory(prefix="bench-training-") as scratch:
        progress("baking a project with the defaults")
        project = bake(Path(scratch) / "bake")
        module = module_name(project)
        sys.path.insert(0, str(project / "src"))
        if not args.skip_loops:
            report_loops(bench_loops(module, project, args.repeats))
            report_regression_loops(bench_regression_loops(module, args.repeats))
        if not args.skip_scale:
            report_scale(bench_scale(project, module, args.trials, args.epochs, args.pool_trials,
                                     args.scale_repeats, Path(scratch)))
        if not args.skip_devices:
            report_devices(bench_devices(module, args.device_epochs), args.device_epochs)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
