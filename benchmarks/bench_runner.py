"""Benchmark the baked project's notebook runner against papermill's and nbconvert's command lines.

What it measures, in a project baked with the template's defaults:

1. Per-notebook overhead on N trivial notebooks (one parameters cell, one `x = 1` cell),
   for three ways of executing the same notebooks, each repeated R times:
     a. the project's runner, `python -m <module> run` (one process, pre-started kernels);
        its wall time, and each notebook's seconds as recorded in run.json;
     b. the `papermill` command line, one invocation per notebook;
     c. `jupyter nbconvert --to notebook --execute`, one invocation per notebook.
   A "stall" is a notebook that took more than 2.5 s longer than the median of its method
   (papermill's kernel-shutdown stall is about 3 s).
   One untimed warm-up pass of each method comes first (--no-warmup to time a cold start).
2. The quick pipeline: the real notebooks on the built-in data, `python -m <module> run`.

Targets: runner overhead <= 0.8 s per notebook with no stalls; quick pipeline <= 90 s.
A missed target is printed as MISSED; the exit status is 0 regardless (this is a benchmark),
and 1 only when a command it times fails.

Run from the template's root:  .venv/bin/python benchmarks/bench_runner.py [--repeats R]
Progress goes to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the venv's bin/: papermill, jupyter, cookiecutter

N_NOTEBOOKS = 8
STALL_SECONDS = 2.5
TARGET_OVERHEAD = 0.8  # seconds per notebook
TARGET_PIPELINE = 90.0  # seconds for the quick profile
TRIVIAL_TIMEOUT = 300  # seconds for one trivial command
PIPELINE_TIMEOUT = 1800  # seconds for the real pipeline

PARAMETERS_SOURCE = 'run_dir = "x"\nconfig = "../lab.yaml"\nprofile = "quick"\noverrides = {}'
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def progress(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


# baking --------------------------------------------------------------------------------
def bake(out_dir: Path) -> Path:
    """Bake the template with its defaults, as a user would."""
    out_dir.mkdir(parents=True)
    command = [str(BIN / "cookiecutter"), "--no-input", str(TEMPLATE_ROOT), "-o", str(out_dir)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TRIVIAL_TIMEOUT)
    baked = [p for p in out_dir.iterdir() if p.is_dir()]
    if result.returncode != 0 or len(baked) != 1:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-5:])
        raise SystemExit(f"cookiecutter failed (exit {result.returncode}):\n{tail}")
    return baked[0]


def module_name(project: Path) -> str:
    packages = [p.parent.name for p in (project / "src").glob("*/__main__.py")]
    if len(packages) != 1:
        raise SystemExit(f"expected one package with __main__.py under {project / 'src'}, found {packages}")
    return packages[0]


# commands ------------------------------------------------------------------------------
def environment(project: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}


Timed = tuple[float, subprocess.CompletedProcess]


def timed(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Timed:
    """Run a command, capturing its output; return (wall seconds, result)."""
    t0 = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - t0, result


def timed_streaming(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Timed:
    """Like `timed`, but echo the command's output lines as progress while it runs."""
    t0 = time.perf_counter()
    lines = []
    pipe = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    with subprocess.Popen(command, cwd=cwd, env=env, **pipe) as proc:
        for line in proc.stdout:
            lines.append(line)
            progress(f"  {line.rstrip()}")
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                raise subprocess.TimeoutExpired(command, timeout)
    wall = time.perf_counter() - t0
    return wall, subprocess.CompletedProcess(command, proc.returncode, "".join(lines), "")


def check_ok(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"{what} exited with {result.returncode}:\n{tail}")


def run_module(
    project: Path, module: str, timeout: float, stream: bool = False
) -> tuple[float, dict, subprocess.CompletedProcess]:
    """`python -m <module> run` in the project; return (wall, run.json or {}, result)."""
    runs = project / "reports" / "runs"
    before = set(runs.glob("*")) if runs.is_dir() else set()
    command = [sys.executable, "-m", module, "run"]
    wall, result = (timed_streaming if stream else timed)(command, project, environment(project), timeout)
    created = sorted(set(runs.glob("*")) - before) if runs.is_dir() else []
    manifest_path = created[-1] / "run.json" if created else None
    manifest = json.loads(manifest_path.read_text()) if manifest_path and manifest_path.is_file() else {}
    return wall, manifest, result


def notebook_seconds(manifest: dict) -> dict[str, float]:
    return {name: entry["seconds"] for name, entry in manifest.get("notebooks", {}).items() if "seconds" in entry}


# trivial notebooks ---------------------------------------------------------------------
def write_trivial_notebooks(project: Path, count: int) -> list[Path]:
    """Replace the project's notebooks with `count` trivial ones."""
    folder = project / "notebooks"
    for old in folder.glob("*.ipynb"):
        old.unlink()
    paths = []
    for i in range(count):
        parameters = nbformat.v4.new_code_cell(PARAMETERS_SOURCE, metadata={"tags": ["parameters"]})
        nb = nbformat.v4.new_notebook(cells=[parameters, nbformat.v4.new_code_cell("x = 1")])
        nb.metadata["kernelspec"] = dict(KERNELSPEC)
        path = folder / f"{i:02d}_trivial.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def time_runner(project: Path, module: str) -> tuple[float, list[float]]:
    wall, manifest, result = run_module(project, module, TRIVIAL_TIMEOUT)
    check_ok(result, f"{module} run")
    return wall, list(notebook_seconds(manifest).values())


def time_papermill(project: Path, notebooks: list[Path], out: Path) -> list[float]:
    out.mkdir(parents=True)
    seconds = []
    for nb in notebooks:
        command = [str(BIN / "papermill"), str(nb), str(out / nb.name), "-p", "run_dir", "x"]
        wall, result = timed(command, nb.parent, environment(project), TRIVIAL_TIMEOUT)
        check_ok(result, f"papermill {nb.name}")
        seconds.append(wall)
    return seconds


def time_nbconvert(project: Path, notebooks: list[Path], out: Path) -> list[float]:
    out.mkdir(parents=True)
    seconds = []
    for nb in notebooks:
        command = [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                   str(nb), "--output-dir", str(out), "--output", nb.name]  # fmt: skip
        wall, result = timed(command, nb.parent, environment(project), TRIVIAL_TIMEOUT)
        check_ok(result, f"nbconvert {nb.name}")
        seconds.append(wall)
    return seconds


def time_check(project: Path, module: str) -> float:
    wall, result = timed([sys.executable, "-m", module, "check"], project, environment(project), TRIVIAL_TIMEOUT)
    check_ok(result, f"{module} check")
    return wall


def warm_up(project: Path, module: str, notebooks: list[Path], scratch: Path) -> None:
    """One untimed pass of each method: compiles __pycache__ and fills the disk cache."""
    progress("warm-up (not timed): one pass of each method …")
    time_check(project, module)
    time_runner(project, module)
    time_papermill(project, notebooks[:1], scratch / "warmup-papermill")
    time_nbconvert(project, notebooks[:1], scratch / "warmup-nbconvert")


def bench_trivial(project: Path, module: str, repeats: int, scratch: Path, warmup: bool) -> dict:
    """Time the three methods on the same trivial notebooks, interleaved, `repeats` times."""
    notebooks = write_trivial_notebooks(project, N_NOTEBOOKS)
    if warmup:
        warm_up(project, module, notebooks, scratch)
    results = {"check": [], "runner_wall": [], "runner": [], "papermill": [], "nbconvert": []}
    for r in range(1, repeats + 1):
        results["check"].append(time_check(project, module))
        wall, per_notebook = time_runner(project, module)
        results["runner_wall"].append(wall)
        results["runner"].extend(per_notebook)
        progress(f"repeat {r}/{repeats}: runner     {wall:6.2f} s wall; run.json {fmt_list(per_notebook)}")
        seconds = time_papermill(project, notebooks, scratch / f"papermill-{r}")
        results["papermill"].extend(seconds)
        progress(f"repeat {r}/{repeats}: papermill  {sum(seconds):6.2f} s total; {fmt_list(seconds)}")
        seconds = time_nbconvert(project, notebooks, scratch / f"nbconvert-{r}")
        results["nbconvert"].extend(seconds)
        progress(f"repeat {r}/{repeats}: nbconvert  {sum(seconds):6.2f} s total; {fmt_list(seconds)}")
    return results


# statistics and printing ---------------------------------------------------------------
def fmt_list(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def summary(seconds: list[float]) -> dict[str, float]:
    median = statistics.median(seconds)
    return {
        "mean": statistics.mean(seconds),
        "median": median,
        "max": max(seconds),
        "stalls": sum(1 for s in seconds if s > median + STALL_SECONDS),
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_trivial_table(results: dict, repeats: int, warmup: bool) -> dict:
    """Print the side-by-side table; return the runner's figures for the targets."""
    stats = {name: summary(results[name]) for name in ("runner", "papermill", "nbconvert")}
    check = statistics.median(results["check"])
    runner_wall = statistics.mean(results["runner_wall"])
    overhead = (runner_wall - check) / N_NOTEBOOKS
    walls = {
        "runner": runner_wall,
        "papermill": sum(results["papermill"]) / repeats,
        "nbconvert": sum(results["nbconvert"]) / repeats,
    }
    per_nb_overhead = {
        "runner": overhead, "papermill": stats["papermill"]["mean"], "nbconvert": stats["nbconvert"]["mean"]
    }
    columns = ("runner", "papermill", "nbconvert")
    note = ", after an untimed warm-up pass" if warmup else ", cold (no warm-up)"
    header = ("a. module run", "b. papermill CLI", "c. nbconvert")
    print()
    print(f"Trivial notebooks: N={N_NOTEBOOKS}, R={repeats} repeats ({N_NOTEBOOKS * repeats} timings per method){note}")
    print(f"{'seconds':<38}" + "".join(f"{h:>18}" for h in header))
    rows = [
        ("per-notebook mean", lambda c: f"{stats[c]['mean']:.2f}"),
        ("per-notebook median", lambda c: f"{stats[c]['median']:.2f}"),
        ("per-notebook max", lambda c: f"{stats[c]['max']:.2f}"),
        (f"stalls (> median + {STALL_SECONDS} s)", lambda c: f"{stats[c]['stalls']}"),
        (f"wall for {N_NOTEBOOKS} notebooks (mean)", lambda c: f"{walls[c]:.2f}"),
        ("overhead per notebook", lambda c: f"{per_nb_overhead[c]:.2f}"),
    ]
    for label, cell in rows:
        print(f"{label:<38}" + "".join(f"{cell(c):>18}" for c in columns))
    print(f"a: per-notebook figures are run.json's notebooks.<name>.seconds; CLI baseline "
          f"(`check`, median) {check:.2f} s; overhead = (wall - check) / {N_NOTEBOOKS}")
    print("b, c: one process per notebook, so each invocation's whole wall time is its overhead")
    return {"overhead": overhead, "runjson_mean": stats["runner"]["mean"], "stalls": stats["runner"]["stalls"]}


def print_pipeline(project: Path, module: str) -> dict:
    """Run the real notebooks once (quick profile) and print each notebook's seconds."""
    progress(f"quick pipeline: {module} run with the real notebooks (target <= {TARGET_PIPELINE:.0f} s) …")
    wall, manifest, result = run_module(project, module, PIPELINE_TIMEOUT, stream=True)
    print()
    print(f"Quick pipeline (real notebooks, built-in data, profile {manifest.get('profile', '?')})")
    for name, entry in manifest.get("notebooks", {}).items():
        seconds = f"{entry['seconds']:7.2f} s" if "seconds" in entry else f"{'-':>7}  "
        print(f"  {name:<28}{seconds}   {entry.get('status', '?')}")
    print(f"  {'total wall':<28}{wall:7.2f} s   (run.json: {manifest.get('seconds', '-')} s, exit {result.returncode})")
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        errors = [line for line in output if line.startswith("error:")] or output[-10:]
        print("  FAILED: " + "\n  ".join(errors))
    return {"wall": wall, "ok": result.returncode == 0}


def print_targets(trivial: dict | None, pipeline: dict | None) -> None:
    print()
    print("Targets")
    if trivial:
        print(f"  runner overhead per notebook, (wall - check)/N   <= {TARGET_OVERHEAD:.2f} s   "
              f"{trivial['overhead']:6.2f} s   {verdict(trivial['overhead'] <= TARGET_OVERHEAD)}")
        print(f"  runner overhead per notebook, run.json mean      <= {TARGET_OVERHEAD:.2f} s   "
              f"{trivial['runjson_mean']:6.2f} s   {verdict(trivial['runjson_mean'] <= TARGET_OVERHEAD)}")
        print(f"  runner stalls                                     = 0        "
              f"{trivial['stalls']:6d}     {verdict(trivial['stalls'] == 0)}")
    if pipeline:
        outcome = verdict(pipeline["ok"] and pipeline["wall"] <= TARGET_PIPELINE)
        if not pipeline["ok"]:
            outcome += " (the run FAILED)"
        print(f"  quick pipeline wall                              <= {TARGET_PIPELINE:.0f} s     "
              f"{pipeline['wall']:6.1f} s   {outcome}")


# main ----------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="repeats per method (default 3)")
    parser.add_argument("--skip-pipeline", action="store_true", help="skip the real quick pipeline")
    parser.add_argument("--no-warmup", action="store_true", help="time from a cold start (no untimed first pass)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="bench-runner-"))
    progress(f"working in {scratch}")
    try:
        trivial_project = bake(scratch / "trivial")
        module = module_name(trivial_project)
        progress(f"baked {trivial_project.name} (module {module}); timing {N_NOTEBOOKS} trivial notebooks "
                 f"x {args.repeats} repeats x 3 methods …")
        results = bench_trivial(trivial_project, module, args.repeats, scratch / "out", not args.no_warmup)
        trivial = print_trivial_table(results, args.repeats, not args.no_warmup)
        pipeline = None
        if not args.skip_pipeline:
            pipeline = print_pipeline(bake(scratch / "pipeline"), module)
        print_targets(trivial, pipeline)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"FAILED: {exc}", flush=True)
        return 1
    finally:
        if args.keep:
            progress(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
