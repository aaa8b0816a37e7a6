"""Command line: `<module> run`, `check`, `data add|accept`, `split`, `tune`, `report`, `release`.

User mistakes print one sentence and exit with status 2; a failing notebook exits with 1.
Heavy imports (papermill, torch) happen only inside the commands that need them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..common.errors import LabError, NotebookFailed
from ..common.names import COMMAND

ADD_OPTIONS = {
    "source": "who made or published the data (lab, database, paper)",
    "accession": "accession number, DOI or URL where the data can be found",
    "version": "release or version of the data",
    "licence": "licence or terms of use (e.g. CC BY 4.0)",
    "retrieved": "date the file was downloaded or received (YYYY-MM-DD)",
}


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
                     help="override a lab.yaml field for this run, e.g. -p seed=7 -p profile=full")
    run.add_argument("--run-dir", type=Path, help="run into this folder instead of a new one")
    run.add_argument("--cell-progress", action="store_true", help="also show a per-cell progress bar")

    commands.add_parser("check", help="validate lab.yaml and the data manifest; say whether the template moved on")
    sync = commands.add_parser("sync-notebooks", help="after `cruft update`: refresh notebooks you did not edit")
    sync.add_argument("--take", nargs="+", default=(), metavar="NN", help="replace these edited notebooks too")
    sync.add_argument("--keep", nargs="+", default=(), metavar="NN", help="keep these edited notebooks as they are")

    data = commands.add_parser("data", help="record input files in data/manifest.yaml")
    data_cmds = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    add = data_cmds.add_parser(
        "add", help="record a new input file with its sha256",
        description="Record an input file in data/manifest.yaml with its sha256, so every later run can check it. "
                    "Options left out are marked 'AUTHOR MUST ANSWER' in the manifest for you to fill in.",
    )  # fmt: skip
    add.add_argument("path", help="the file, relative to the project (e.g. data/raw/samples.csv)")
    for name, meaning in ADD_OPTIONS.items():
        add.add_argument(f"--{name}", default=None, help=meaning)
    accept = data_cmds.add_parser("accept", help="accept a changed input file (records the new hash and date)")
    accept.add_argument("path")
    simulate = data_cmds.add_parser(
        "simulate", help="write a SIMULATED binding-site FASTA (a motif planted in 'bound' sequences) and record it"
    )
    simulate.add_argument("path")
    simulate.add_argument("--n-sequences", type=int, default=1200)
    simulate.add_argument("--length", type=int, default=80)
    simulate.add_argument("--noise", type=float, default=0.05, help="share of labels flipped (default 0.05)")
    simulate.add_argument("--related-fraction", type=float, default=0.3, help="share of mutated copies (families)")
    simulate.add_argument("--seed", type=int, default=42)

    split = commands.add_parser("split", help="show the recorded train/tune/test split, or make a new one")
    split.add_argument("--new", action="store_true",
                       help="make a new split from lab.yaml's settings (this changes the test set)")
    _add_tune_parser(commands)
    report = commands.add_parser("report", help="build the run's report: index.html, model card, DOME, datasheet")
    report.add_argument("--run", type=Path, metavar="RUN_DIR",
                        help="the run folder to report on (default: the newest under reports/runs/)")
    _add_release(commands)
    return parser


def _add_release(commands) -> None:
    release = commands.add_parser(
        "release",
        help="export a completed run's models once the ethics register allows it",
        description="Export the fitted models of a completed run with release.json and a snapshot of the ethics "
        "register. Refused while an entry that blocks release is open, or when the data are sensitive and no "
        "resolved entry says 'permits: model_sharing'.",
    )
    release.add_argument("--run", type=Path, help="the run folder to release (default: newest completed run)")
    release.add_argument("--out", type=Path, help="folder to create (default: reports/releases/<run>/)")


def _cmd_release(args) -> int:
    from ..ethics.release import release

    out = release(args.config, args.run, args.out, COMMAND)
    print(f"released into {out} (models, model card, release.json, register snapshot)")
    return 0


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
                      help="use the split recorded in this run (default: the project's split in data/splits/)")
    tune.add_argument("--no-prune", dest="prune", action="store_false",
                      help="run every trial to its last epoch (equal work per trial, e.g. to compare set-ups)")
    tune.add_argument("--json", action="store_true", help="print the result as one JSON object")
    _add_slurm_options(tune)


def _add_slurm_options(tune) -> None:
    tune.add_argument("--slurm", type=int, metavar="N",
                      help="submit N Slurm array tasks running this command instead of tuning here (each runs "
                      "--n-trials); writes slurm/tune-<study>.sbatch, resubmit it after a killed job")
    tune.add_argument("--slot", type=int, metavar="I",
                      help="this worker's share of a Slurm array (set by slurm/tune-*.sbatch): --n-trials counts "
                      "the trials slot I finished before, and a trial it left running is marked failed")
    tune.add_argument("--sbatch-option", dest="sbatch_options", action="append", default=[], metavar="FLAG",
                      help="an extra sbatch flag for --slurm, e.g. --sbatch-option=--partition=short "
                      "(added to lab.yaml's tuning.sbatch_options)")
    tune.add_argument("--device", metavar="D",
                      help="where this worker trains networks: auto, cpu, cuda, cuda:N or mps "
                      "(default: lab.yaml's device)")


def _overrides(params: list[str]) -> dict:
    from ..settings.config import parse_override

    return dict(parse_override(text) for text in params)


def _cmd_run(args) -> int:
    from ..runner.execution import execute, plan_run

    plan = plan_run(args.config, _overrides(args.params), args.profile, args.only, args.start, args.run_dir)
    for notice in plan.notices:
        print(notice, file=sys.stderr, flush=True)
    manifest = execute(plan, echo=lambda line: print(line, flush=True), cell_progress=args.cell_progress)
    where = Path(plan.run_dir).relative_to(plan.root) if plan.run_dir.is_relative_to(plan.root) else plan.run_dir
    print(f"done in {manifest['seconds']:.1f} s — results in {where}/ (manifest: {where}/run.json)")
    _report_after_run(plan.run_dir, plan.root)
    return 0


def _report_after_run(run_dir: Path, root: Path) -> None:
    """Build the report of a finished run; a failure is reported but never undoes the run."""
    try:
        _print_report(_build_report(run_dir, root), root)
    except Exception as exc:  # noqa: BLE001 - the run's results are safe whatever went wrong here
        reason = str(exc) if isinstance(exc, LabError) else f"{type(exc).__name__}: {exc}"
        where = os.path.relpath(run_dir, root)
        print(f"warning: the run's results are complete, but its report could not be built ({reason}); "
              f"rebuild it with `{COMMAND} report --run {where}`", file=sys.stderr, flush=True)


def _build_report(run_dir: Path, root: Path):
    from ..reports.report import build_report

    return build_report(run_dir, root)


def _print_report(summary, root: Path) -> None:
    where = os.path.relpath(summary.run_dir, root)
    print(f"report: {where}/index.html (model card, DOME report, datasheet and the notebooks as HTML beside it)")
    print(f"DOME completeness: {summary.dome_sentence}; {where}/DOME.md marks what is still missing")
    for line in summary.standards.lines(where) if summary.standards else []:
        print(line)
    if summary.verdict:
        print("verdict:")
        for line in summary.verdict:
            print(f"  - {line}")


def _cmd_report(args) -> int:
    from ..runner.execution import latest_run_dir
    from ..settings.config import project_root

    root = project_root(args.config)
    run_dir = args.run.resolve() if args.run else latest_run_dir(root)
    if run_dir is None:
        raise LabError(f"there is no run under {root / 'reports' / 'runs'} to report on; make one with `{COMMAND} run`")
    if not run_dir.is_dir():
        raise LabError(f"run folder {args.run} does not exist; pass a folder under reports/runs/ with --run")
    from ..runner.liveness import dead_run_notice

    notice = dead_run_notice(run_dir, root, COMMAND)
    if notice:
        print(notice, file=sys.stderr, flush=True)
    _print_report(_build_report(run_dir, root), root)
    return 0


def _cmd_check(args) -> int:
    from ..data.provenance import verify_inputs
    from ..settings.config import load_config, project_root
    from ..splits.split import check_split_record, read_split_record

    cfg = load_config(args.config)
    root = project_root(args.config)
    hashes = verify_inputs(root, cfg.input_paths, COMMAND)
    notices = _preflight(cfg, root)  # loads the data: a misspelled column is named before any split is compared
    check_split_record(read_split_record(root, cfg), cfg, hashes, COMMAND)
    for notice in notices:
        print(notice, file=sys.stderr, flush=True)
    checked = " and ".join(hashes)
    print(f"{args.config} is valid and {checked} {'match' if len(hashes) > 1 else 'matches'} data/manifest.yaml")
    from .engine_files import engine_line
    from .template_sync import print_template_status

    print_template_status(root)
    print(engine_line())
    return 0


def _cmd_sync_notebooks(args) -> int:
    from ..settings.config import project_root
    from .template_sync import report_sync, sync_notebooks

    root = project_root(args.config)
    print(report_sync(sync_notebooks(root, tuple(args.take), tuple(args.keep))))
    return 0


def _preflight(cfg, root: Path) -> list[str]:
    """What `run` checks before its first notebook, for `check`: data, notebooks, folders; plus notices."""
    from ..data.loading import load_dataset
    from ..runner import preflight
    from ..runner.execution import latest_run_dir
    from ..runner.liveness import dead_run_notice

    data = load_dataset(cfg, root)
    preflight.check_class_sizes(cfg, data)
    preflight.check_homology(cfg, data)
    preflight.check_notebook_files(root)
    preflight.check_writable(root, cfg, None)
    notices = [dead_run_notice(latest_run_dir(root), root, COMMAND), preflight.wide_table_notice(data),
               preflight.strata_notice(cfg, data)]
    notices += [f"warning: {item['message']}" for item in (data.image_info or {}).get("warnings", [])]
    return [notice for notice in notices if notice]


def _cmd_data(args) -> int:
    from ..data.provenance import accept_source, add_simulated, add_source
    from ..settings.config import project_root

    root = project_root(args.config)
    from ..data.manifest_text import normalise_path

    relpath = normalise_path(args.path, root)
    if args.data_command == "simulate":
        settings = {k: getattr(args, k) for k in ("n_sequences", "length", "noise", "related_fraction", "seed")}
        entry = add_simulated(root, relpath, **settings)
        print(f"wrote SIMULATED data {entry['path']} (sha256 {entry['sha256']}) and recorded its generator and "
              f"settings in data/manifest.yaml; set data.path: {entry['path']} in lab.yaml to use it")
    elif args.data_command == "add":
        fields = {k: getattr(args, k) for k in ADD_OPTIONS}
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


def _cmd_split(args) -> int:
    from ..data.loading import load_dataset
    from ..data.provenance import verify_inputs
    from ..settings.config import load_config, project_root
    from ..splits.split import check_split_record, new_split, read_split_record, split_file

    cfg = load_config(args.config)
    root = project_root(args.config)
    sha = verify_inputs(root, cfg.input_paths, COMMAND)
    where = split_file(cfg.data.path).as_posix()
    if not args.new:
        record = read_split_record(root, cfg)
        if record is None:
            print(f"no split recorded yet; the next run makes {where}")
            return 0
        load_dataset(cfg, root)  # a misspelled column is named as such, not taken for a changed split
        check_split_record(record, cfg, sha, COMMAND)
        print(f"{where}: {record['sizes']} made with {record['settings']}; matches {' and '.join(sha)}")
        return 0
    record = new_split(cfg, root, load_dataset(cfg, root), sha)
    print(f"made a new split in {where} ({record['sizes']}); the test set has changed, so scores from "
          "earlier splits are not comparable with new ones")
    return 0


def _tuning_rows(args, overrides: dict):
    """Training and tune rows: from a run's split, else the project's recorded split (made as notebook 01 would)."""
    from ..runner.runs import Run

    if args.run_dir is not None:
        run = Run.open(args.run_dir, args.config, args.profile, overrides)
        return run.cfg, (*run.part("train"), *run.part("tune"))
    from ..data.loading import load_dataset
    from ..data.provenance import verify_inputs
    from ..settings.config import load_config, project_root
    from ..splits.split import load_or_make_split

    if args.profile:
        overrides.setdefault("profile", args.profile)
    cfg = load_config(args.config, overrides)
    root = project_root(args.config)
    sha = verify_inputs(root, cfg.input_paths, COMMAND)
    data = load_dataset(cfg, root)
    split, _, _ = load_or_make_split(cfg, root, data, sha, COMMAND)
    rows = [split.train, split.tune]
    return cfg, tuple(item for r in rows for item in (data.X.iloc[r].reset_index(drop=True), data.y[r]))


def _cmd_tune(args) -> int:
    import json

    from ..settings.config import project_root
    from ..tuning.storagecheck import check_storage_folder

    check_storage_folder(args.storage, project_root(args.config))  # before anything heavy is imported or loaded
    from ..tuning.search import _close, check_budget, fixed_params, tune_shared
    from ..tuning.studies import mask_url, open_storage

    check_budget(args.n_trials, where="--n-trials")
    if args.device:
        from ..models.nets import pick_device

        pick_device(args.device)  # a device this machine lacks is refused before the storage is touched
    _close(open_storage(args.storage))  # a bad URL is one sentence before the data are loaded
    overrides = _overrides(args.params)
    cfg, (X_train, y_train, X_tune, y_tune) = _tuning_rows(args, overrides)
    if args.family not in cfg.tuning.families:
        raise LabError(
            f"--family {args.family} is not among lab.yaml's tuning.families; "
            f"use one of {', '.join(cfg.tuning.families)}"
        )
    fixed = fixed_params(cfg, project_root(args.config)).get(args.family)
    if args.slurm is not None:
        return _submit_slurm(args, cfg, fixed, (X_train, y_train, X_tune, y_tune))
    from ..tasks.registry import metric_label, primary_metric

    result = tune_shared(args.storage, args.study, args.family, args.n_trials, X_train, y_train, X_tune, y_tune,
                         cfg.seed, fixed, prune=args.prune, slot=args.slot, device=args.device or cfg.device,
                         metric=primary_metric(cfg))
    if args.json:
        print(json.dumps(result, sort_keys=True, default=str))
        return 0
    print(f"this worker ran {len(result['worker_trials'])} trial(s) (numbers {result['worker_trials']}) of study "
          f"'{args.study}' ({args.family}) in {mask_url(args.storage)}; the study now holds {result['n_trials']} "
          f"finished trial(s); best tune {metric_label(primary_metric(cfg))} {result['best_score']:.4f} "
          f"(trial {result['best_trial']}) "
          f"with {result['best_params']}")
    return 0


def _submit_slurm(args, cfg, fixed, rows) -> int:
    """Check the study here (storage, family, search space, split), then submit the array of workers."""
    from ..settings.config import project_root
    from ..splits.split import read_split_record
    from ..tuning.slurm import check_cluster_storage, submit, write_script
    from ..tuning.storage import absolute_journal_url
    from ..tuning.studies import data_fingerprint, mask_url, open_storage, open_study

    if args.slurm < 1:
        raise LabError(f"--slurm must be at least 1 array task, not {args.slurm}; raise it.")
    root = project_root(args.config)
    if args.run_dir is None and read_split_record(root, cfg) is None:
        raise LabError(
            f"no split is recorded in data/splits/ yet, so array tasks could tune on different rows; record it "
            f"first with `{COMMAND} run --only 01` (or `{COMMAND} split --new`), then submit again."
        )
    storage = absolute_journal_url(args.storage, Path.cwd())
    check_cluster_storage(storage)
    open_study(open_storage(storage), args.study, args.family, fixed, data_fingerprint(*rows), cfg.seed, args.prune)
    worker = ["--config", str(Path(args.config).resolve()), "tune", "--storage", storage, "--study", args.study,
              "--family", args.family, "--n-trials", str(args.n_trials), "--json"]
    worker += [*(["--profile", args.profile] if args.profile else []), *(["--no-prune"] if not args.prune else [])]
    worker += [*(["--run-dir", str(args.run_dir.resolve())] if args.run_dir else [])]
    worker += [*(["--device", args.device] if args.device else [])]
    worker += [item for text in args.params for item in ("-p", text)]
    script = write_script(root, args.study, args.slurm, worker, [*cfg.tuning.sbatch_options, *args.sbatch_options],
                          module=COMMAND)
    job = submit(script)
    print(f"submitted Slurm job {job}: {args.slurm} array task(s) of {args.n_trials} {args.family} trial(s) each on "
          f"study '{args.study}' in {mask_url(storage)}; logs in {script.parent / 'logs'}/; after a killed job "
          f"submit {script.relative_to(root)} again to finish the trials left")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {
        "run": _cmd_run,
        "check": _cmd_check,
        "sync-notebooks": _cmd_sync_notebooks,
        "data": _cmd_data,
        "split": _cmd_split,
        "tune": _cmd_tune,
        "report": _cmd_report,
        "release": _cmd_release,
    }
    try:
        return handlers[args.command](args)
    except LabError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1 if isinstance(exc, NotebookFailed) else 2
    except KeyboardInterrupt as exc:
        message = str(exc) or "interrupted; finished notebooks are kept — resume with `run --from NN`"
        print(message, file=sys.stderr, flush=True)
        return 130
