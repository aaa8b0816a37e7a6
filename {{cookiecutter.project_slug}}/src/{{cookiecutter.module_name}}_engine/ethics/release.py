"""The release gate: export a run's fitted models only when the ethics register allows it (Tip 10).

`<module> release` takes the newest completed run (or --run), refuses while any entry that
blocks release is open, and refuses to share weights trained on sensitive data unless a
resolved entry says `permits: model_sharing` — trained weights can leak their training data.
The export is built in a temporary folder and renamed into place, so it is whole or absent.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from ..common.errors import LabError
from ..common.files import read_json, write_json
from ..common.names import COMMAND
from ..data.provenance import sha256_file
from ..reports.dome_registry import REGISTRY_JSON
from ..reports.standards import REFORMS_FILES

RUNS = Path("reports") / "runs"
RELEASES = Path("reports") / "releases"
MODELS = "models"
INDEX = "index.json"
REGISTER = Path("ethics") / "register.yaml"
# The one place the model card enters an export: whatever this file holds in the run folder.
MODEL_CARD = "MODEL_CARD.md"
STANDARDS_FILES = (REFORMS_FILES[0], REGISTRY_JSON)
SHARING = "model_sharing"


def completed(run_dir):
    """True when run.json says the run finished and every notebook in it succeeded."""
    manifest_path = Path(run_dir) / "run.json"
    if not manifest_path.is_file():
        return False
    manifest = read_json(manifest_path)
    notebooks = manifest.get("notebooks") or {}
    return manifest.get("status") == "ok" and bool(notebooks) and all(
        entry.get("status") == "ok" for entry in notebooks.values()
    )


def newest_completed_run(root, command=COMMAND):
    """The newest run folder under reports/runs/ whose notebooks all finished; refuses if there is none."""
    runs = sorted((Path(root) / RUNS).glob("*"), reverse=True) if (Path(root) / RUNS).is_dir() else []
    for run_dir in runs:
        if completed(run_dir):
            return run_dir
    raise LabError(
        f"there is no completed run under {RUNS}/ to release; run the notebooks first "
        f"(`{command} run`) and release once every notebook has finished"
    )


def check_run(run_dir, command=COMMAND):
    """Refuse a run folder that does not exist or did not finish every notebook."""
    run_dir = Path(run_dir)
    if not (run_dir / "run.json").is_file():
        raise LabError(f"{run_dir} is not a run folder (it has no run.json); pass --run reports/runs/<run>")
    if not completed(run_dir):
        states = read_json(run_dir / "run.json").get("notebooks") or {}
        unfinished = sorted(name for name, entry in states.items() if entry.get("status") != "ok")
        unfinished = unfinished or ["(none recorded)"]
        raise LabError(
            f"run {run_dir.name} did not complete (not finished: {', '.join(unfinished)}); resume it with "
            f"`{command} run --from NN` or release another run with --run"
        )
    return run_dir


def saved_models(run_dir):
    """The models notebook 05 saved in <run>/models/index.json, each checked against its sha256.

    Returns {} when the run saved none; a changed or missing model file is refused.
    """
    index_path = Path(run_dir) / MODELS / INDEX
    if not index_path.is_file():
        return {}
    models = read_json(index_path).get("models") or {}
    for family, entry in models.items():
        path = Path(run_dir) / entry.get("file", "")
        if not path.is_file():
            raise LabError(
                f"{index_path} lists model '{family}' at {entry.get('file')}, which is missing; "
                "rerun notebook 05 to save it again"
            )
        if entry.get("sha256") and sha256_file(path) != entry["sha256"]:
            raise LabError(
                f"model file {path} changed since the run saved it (sha256 differs from {index_path}); "
                "rerun notebook 05 rather than editing saved models"
            )
    return models


def tuned_models(run, families):
    """Fitted Pipelines for the given families: the run's saved models when present, else refitted.

    Refitting uses the tuned parameters of notebook 04, the training split and the run seed,
    which reproduces what notebook 05 saves, bit for bit. Saved models load whichever layout of the
    code saved them (models/saved.py).
    """
    from ..models.saved import load_model

    saved = saved_models(run.dir)
    results = run.load_artifact("04_tuning")["results"]
    X_train, y_train = run.part("train")
    fitted = {}
    for family in families:
        if family in saved:
            fitted[family] = load_model(run.dir / saved[family]["file"])
        else:
            model = run.task.build_model(family, X_train, results[family]["best_params"], seed=run.seed,
                                         device=run.cfg.device)
            fitted[family] = model.fit(X_train, y_train)
    return fitted


def gate(entries, sensitive, register_path=REGISTER):
    """Reasons the register forbids a release (empty when it may go ahead) and the entry permitting sharing.

    Blocking entries still open are named with their titles; sensitive data needs a resolved
    entry with `permits: model_sharing`.
    """
    from .register import blocking_entries

    reasons = []
    blocking = blocking_entries(entries)
    if blocking:
        named = "; ".join(f"{e.id} ({e.title}, owner {e.owner})" for e in blocking)
        reasons.append(
            f"{len(blocking)} open {'entry' if len(blocking) == 1 else 'entries'} in {register_path} "
            f"block release: {named} — "
            "settle each one, then set its status to resolved, mitigated or accepted with a date and a resolution"
        )
    permit = next((e for e in entries if e.status == "resolved" and e.permits == SHARING), None)
    if sensitive and permit is None:
        reasons.append(
            "the model was trained on data marked sensitive (data.sensitive in lab.yaml), and trained weights can "
            f"leak their training data — after a privacy review, record it as a resolved entry in {register_path} "
            f"with the line 'permits: {SHARING}'"
        )
    return reasons, permit


def release(config, run_dir=None, out=None, command=COMMAND):
    """Export a completed run's saved models, the register snapshot and release.json into `out`.

    Everything is checked before anything is written; the folder appears whole or not at all.
    """
    from ..settings.config import load_config, project_root
    from .register import load_register

    sensitive_now = load_config(config).data.sensitive
    root = project_root(config)
    run_dir = check_run(Path(run_dir).resolve(), command) if run_dir else newest_completed_run(root, command)
    manifest = read_json(run_dir / "run.json")
    register_path = root / REGISTER
    entries = load_register(register_path)
    parameters = manifest.get("parameters") or {}
    sensitive = bool((parameters.get("data") or {}).get("sensitive")) or sensitive_now
    reasons, permit = gate(entries, sensitive, REGISTER)
    if reasons:
        raise LabError(f"release of run {run_dir.name} refused: " + "; and ".join(reasons))
    models = saved_models(run_dir)
    if not models:
        raise LabError(
            f"run {run_dir.name} saved no models ({MODELS}/{INDEX} is missing); rerun notebook 05, "
            f"which saves them (`{command} run --from 05`)"
        )
    out = Path(out).resolve() if out else root / RELEASES / run_dir.name
    if out.exists() and any(out.iterdir()):
        raise LabError(f"{out} already exists and is not empty; pass another --out or remove that folder first")
    from ..reports.report import build_report

    build_report(run_dir, root)  # the model card travels with the weights, built from this run's artifacts
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        _fill(staging, root, run_dir, manifest, models, register_path, entries, sensitive, permit)
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _fill(staging, root, run_dir, manifest, models, register_path, entries, sensitive, permit):
    (staging / MODELS).mkdir()
    exported = {}
    for family, entry in sorted(models.items()):
        source = run_dir / entry["file"]
        shutil.copy2(source, staging / MODELS / source.name)
        exported[family] = {
            "file": f"{MODELS}/{source.name}",
            "sha256": sha256_file(source),
            "params": entry.get("params"),
        }
    shutil.copy2(run_dir / MODELS / INDEX, staging / MODELS / INDEX)
    shutil.copy2(register_path, staging / "register.yaml")
    shutil.copy2(run_dir / MODEL_CARD, staging / MODEL_CARD)
    for name in STANDARDS_FILES:  # the REFORMS checklist and the DOME Registry entry travel with the model card
        shutil.copy2(run_dir / name, staging / name)
    data_path = ((manifest.get("parameters") or {}).get("data") or {}).get("path")
    git = manifest.get("git") or {}
    write_json(
        staging / "release.json",
        {
            "run": os.path.relpath(run_dir, root),
            "released": dt.date.today().isoformat(),
            "commit": git.get("commit"),
            "dirty": git.get("dirty"),
            "data": {"path": data_path, "sha256": (manifest.get("inputs") or {}).get(data_path)},
            "models": exported,
            "register": {
                "file": "register.yaml",
                "sha256": sha256_file(register_path),
                "entries_checked": [
                    {"id": e.id, "status": e.status, "blocks_release": e.blocks_release} for e in entries
                ],
            },
            "sensitive_data": sensitive,
            "sharing_permitted_by": permit.id if permit is not None else None,
            "model_card": MODEL_CARD,
            "reforms": REFORMS_FILES[0],
            "dome_registry": REGISTRY_JSON,
        },
    )

