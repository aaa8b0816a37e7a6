"""Command line: `<module> run`, `<module> check`, `<module> data add|accept`, `<module> tune`.

User mistakes print one sentence and exit with status 2; a failing notebook exits with 1.
Heavy imports (papermill, torch) happen only inside the commands that need them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import LabError, NotebookFailed

COMMAND = __package__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Run this study's numbered notebooks headless and keep their results.",
    )
    parser.add_argument("--config", default="lab.yaml", help="the study description (default: lab.yaml)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="execute the notebooks in order into reports/runs/<new run>/")
    run.add_argument("--profile", choices=("quick", "full"), help="budget profile (default: lab.yaml's 'profile')")
    pick = run.add_mutually_exclusive_group()
    pick.add_argument("--only", nargs="+", metavar="NN", help="run just these notebooks, e.g. --only 02 03")
    pick.add_argument("--from", dest="start", metavar="NN", help="resume the latest run from notebook NN on")
    run.add_argument("-p", dest="params", action="append", default=[], metavar="KEY=VALUE",
                     help="override a lab.yaml field for this run, e.g. -p seed=7 -p split.tune=0.25")
    run.add_argument("--run-dir", type=Path, help="run into this folder instead of a new one")
    run.add_argument("--cell-progress", action="store_true", help="also show a per-cell progress bar")

    commands.add_parser("check", help="validate lab.yaml and the data manifest without running anything")

    data = commands.add_parser("data", help="record input files in data/manifest.yaml")
    data_cmds = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    add = data_cmds.add_parser("add", help="record a new input file with its sha256")
    add.add_argument("path")
    for name in ("source", "accession", "version", "licence", "retrieved"):
        add.add_argument(f"--{name}", default=None)
    accept = data_cmds.add_parser("accept", help="accept a changed input file (records the new hash and date)")
    accept.add_argument("path")
    _add_tune_parser(commands)
    return parser


def _add_tune_parser(commands) -> None:
    tune = commands.add_parser(
        "tune",
        help="add trials to one shared Optuna study; start it in several processes or on several machines",
        description="Run N trials of one model family against a study in a shared database. Start the same "
        "command in several processes or on several machines: they all work on the one study.",
    )
    tune.add_argument("--storage", required=True, metavar="URL",
                      help="database URL, e.g. postgresql://user:password@host:5432/db or sqlite:///tuning.sqlite3")
    tune.add_argument("--study", required=True, metavar="NAME", help="study name; every worker of one search uses it")
    tune.add_argument("--n-trials", type=int, required=True, metavar="K", help="trials this worker runs")
    tune.add_argument("--family", default="network", metavar="F",
                      help="model family to tune (default: network); one of lab.yaml's tuning families")
    tune.add_argument("--profile", choices=("quick", "full"), help="budget profile (default: lab.yaml's 'profile')")
    tune.add_argument("-p", dest="params", action="append", default=[], metavar="KEY=VALUE",
                      help="override a lab.yaml field, e.g. -p seed=7")
    tune.add_argument("--run-dir", type=Path,
                      help="use the split recorded in this run (default: the split notebook 01 makes from lab.yaml)")
    tune.add_argument("--json", action="store_true", help="print the result as one JSON object")


def _overrides(params: list[str]) -> dict:
    from .config import parse_override

    return dict(parse_override(text) for text in params)


def _cmd_run(args) -> int:
    from .runner import execute, plan_run

    plan = plan_run(args.config, _overrides(args.params), args.profile, args.only, args.start, args.run_dir)
    manifest = execute(plan, echo=lambda line: print(line, flush=True), cell_progress=args.cell_progress)
    where = Path(plan.run_dir).relative_to(plan.root) if plan.run_dir.is_relative_to(plan.root) else plan.run_dir
    print(f"done in {manifest['seconds']:.1f} s — results in {where}/ (manifest: {where}/run.json)")
    return 0


def _cmd_check(args) -> int:
    from .config import load_config, project_root
    from .provenance import verify_inputs

    cfg = load_config(args.config)
    verify_inputs(project_root(args.config), [cfg.data.path], COMMAND)
    print(f"{args.config} is valid and {cfg.data.path} matches data/manifest.yaml")
    return 0


def _cmd_data(args) -> int:
    from .config import project_root
    from .provenance import accept_source, add_source

    root = project_root(args.config)
    relpath = Path(args.path).resolve().relative_to(root).as_posix() if Path(args.path).is_absolute() else args.path
    if args.data_command == "add":
        fields = {k: getattr(args, k) for k in ("source", "accession", "version", "licence", "retrieved")}
        entry = add_source(root, relpath, fields)
        print(f"recorded {entry.path} (sha256 {entry.sha256}) in data/manifest.yaml; "
              "fill in any 'AUTHOR MUST ANSWER' fields")
    else:
        old, new = accept_source(root, relpath)
        if old == new:
            print(f"{relpath} is unchanged (sha256 {new}); nothing to accept")
        else:
            print(f"accepted the new version of {relpath}: sha256 {old} → {new}; the old hash is kept under 'history'")
    return 0


def _tuning_rows(args, overrides: dict):
    """Training and tune rows: from a run's recorded split, or split from lab.yaml as notebook 01 does."""
    from .runs import Run

    if args.run_dir is not None:
        run = Run.open(args.run_dir, args.config, args.profile, overrides)
        return run.cfg, (*run.part("train"), *run.part("tune"))
    from .config import load_config, project_root
    from .data import load_dataset
    from .provenance import verify_inputs
    from .splits import make_split

    if args.profile:
        overrides.setdefault("profile", args.profile)
    cfg = load_config(args.config, overrides)
    root = project_root(args.config)
    verify_inputs(root, [cfg.data.path], COMMAND)
    data = load_dataset(cfg, root)
    split = make_split(data.y, data.groups, cfg.split.train, cfg.split.tune, cfg.seed)
    rows = [split.train, split.tune]
    return cfg, tuple(item for r in rows for item in (data.X.iloc[r].reset_index(drop=True), data.y[r]))


def _cmd_tune(args) -> int:
    import json

    from .tuning import check_budget, fixed_params, mask_url, tune_shared

    check_budget(args.n_trials, where="--n-trials")
    overrides = _overrides(args.params)
    cfg, (X_train, y_train, X_tune, y_tune) = _tuning_rows(args, overrides)
    if args.family not in cfg.tuning.families:
        raise LabError(
            f"--family {args.family} is not among lab.yaml's tuning.families; "
            f"use one of {', '.join(cfg.tuning.families)}"
        )
    fixed = fixed_params(cfg).get(args.family)
    result = tune_shared(args.storage, args.study, args.family, args.n_trials, X_train, y_train, X_tune, y_tune,
                         cfg.seed, fixed)
    if args.json:
        print(json.dumps(result, sort_keys=True, default=str))
        return 0
    print(f"this worker ran {len(result['worker_trials'])} trial(s) (numbers {result['worker_trials']}) of study "
          f"'{args.study}' ({args.family}) in {mask_url(args.storage)}; the study now holds {result['n_trials']} "
          f"finished trial(s); best tune ROC-AUC {result['best_score']:.4f} (trial {result['best_trial']}) "
          f"with {result['best_params']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"run": _cmd_run, "check": _cmd_check, "data": _cmd_data, "tune": _cmd_tune}
    try:
        return handlers[args.command](args)
    except LabError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1 if isinstance(exc, NotebookFailed) else 2
    except KeyboardInterrupt:
        print("interrupted; finished notebooks are kept — resume with `run --from NN`", file=sys.stderr)
        return 130
