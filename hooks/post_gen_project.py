"""Remove what the answers switched off, then say what to do next.

Runs inside the new project folder. Safe to run twice: a path already gone is skipped.
"""

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

# The only Jinja in this file: the answers, as JSON (= Python) string literals.
ANSWERS = {
    "project_slug": {{ cookiecutter.project_slug | string | tojson }},
    "license": {{ cookiecutter.license | string | tojson }},
    "ci": {{ cookiecutter.ci | string | tojson }},
    "modality": {{ cookiecutter.modality | string | tojson }},
    "task": {{ cookiecutter.task | default("classification") | string | tojson }},
    "sequence_alphabet": {{ cookiecutter.sequence_alphabet | default("dna") | string | tojson }},
    "author_name": {{ cookiecutter.author_name | string | tojson }},
    "email": {{ cookiecutter.email | string | tojson }},
}
# Set to 1 to leave the new project without a git repository.
NO_GIT = "BIODL_NO_GIT"

# The built-in example data of each modality; a project keeps its own modality's only.
EXAMPLE_DATA = {
    "tabular": "data/external/breast_cancer_wisconsin.csv",
    "sequence": "data/external/tf_binding_simulated.fa",
    "image": "data/external/cells_simulated",  # drawn again from its manifest settings on first use
}
SEQUENCE_EXAMPLES = {"dna": "data/external/tf_binding_simulated.fa",
                     "protein": "data/external/protein_families_simulated.fa"}
# Regression studies ship their own examples instead (the diabetes study; simulated binding affinity;
# simulated nuclear translocation of a marker in cell images).
REGRESSION_EXAMPLES = {"tabular": "data/external/diabetes.csv",
                       "sequence": "data/external/binding_affinity_simulated.fa",
                       "image": "data/external/translocation_simulated"}  # drawn from its manifest settings
ALL_EXAMPLES = (*EXAMPLE_DATA.values(), *SEQUENCE_EXAMPLES.values(), *REGRESSION_EXAMPLES.values())


def example_kept(answers):
    """The one built-in data file the answers' study reads."""
    if answers.get("task", "classification") == "regression":
        return REGRESSION_EXAMPLES[answers["modality"]]
    if answers["modality"] == "sequence":
        return SEQUENCE_EXAMPLES["protein" if answers.get("sequence_alphabet") == "protein" else "dna"]
    return EXAMPLE_DATA[answers["modality"]]


def paths_switched_off(answers):
    """Project-relative paths the answers ask us not to ship."""
    paths = []
    if answers["license"] == "none":
        paths.append("LICENSE")
    if answers["ci"] == "none":
        paths.append(".github")
    kept = example_kept(answers)
    paths += sorted({path for path in ALL_EXAMPLES if path != kept})  # a study keeps its own example only
    return paths


TASK_TAGS = ("classification", "regression")


def keep_modality_cells(notebooks, modality, task="classification"):
    """Drop notebook cells tagged for the other modality ("tabular" / "sequence") or task
    ("classification" / "regression"), and those tags.

    The notebooks explain tables and sequences, classes and numbers in separate cells; a project
    keeps the ones for its data. Notebooks are rewritten only when something changed, in nbformat's
    own layout.
    """
    for path in sorted(Path(notebooks).glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        notebook = json.loads(text)
        kept = []
        for cell in notebook["cells"]:
            tags = cell.get("metadata", {}).get("tags", [])
            if any(tag in EXAMPLE_DATA and tag != modality for tag in tags):
                continue
            if any(tag in TASK_TAGS and tag != task for tag in tags):
                continue
            for tag in (modality, task):
                if tag in tags:
                    tags.remove(tag)
            if "tags" in cell.get("metadata", {}) and not tags:
                del cell["metadata"]["tags"]
            kept.append(cell)
        notebook["cells"] = kept
        new = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        if new != text:
            path.write_text(new, encoding="utf-8")


# Template updates (README, "Taking template updates"): the template's own copy of each notebook
# lives in .template/notebooks/ (updated by `cruft update`), and the state file records which
# template version each working notebook was last taken from, so an edited one is never overwritten.
TEMPLATE_NOTEBOOKS = ".template/notebooks"
SYNC_STATE = "notebooks/.template-sync.json"


def keep_template_copies(project_dir):
    """Copy the notebooks as baked into .template/notebooks/ and record their sha256 as taken."""
    copies = project_dir / TEMPLATE_NOTEBOOKS
    copies.mkdir(parents=True, exist_ok=True)
    state = {}
    for path in sorted((project_dir / "notebooks").glob("*.ipynb")):
        data = path.read_bytes()
        (copies / path.name).write_bytes(data)
        state[path.name] = hashlib.sha256(data).hexdigest()
    text = json.dumps({"taken_from_template": state}, indent=2, sort_keys=True) + "\n"
    (project_dir / SYNC_STATE).write_text(text, encoding="utf-8")


def remove(path):
    """Delete a file or a folder tree; do nothing if it is already missing."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def next_steps(answers):
    slug = answers["project_slug"]
    return "\n".join(
        [
            "",
            f"Created {slug}. Next steps:",
            f"  cd {slug}",
            "  make setup    # virtual environment with pinned dependencies",
            "  make run      # run the eight notebooks end to end (quick profile)",
            "  make lab      # open the notebooks in JupyterLab",
            "  make help     # every other command",
            "",
        ]
    )


def init_git(project_dir, answers, environ=os.environ):
    """Make the project a git repository with one first commit, so every run records its commit.

    Skipped when BIODL_NO_GIT=1 or the folder is a repository already;
    without git, or when git fails, it says so in one line and the bake still succeeds. The first
    commit is signed with the author's answers when git has no identity configured.
    """
    if environ.get(NO_GIT, "").strip() not in ("", "0"):
        return f"{NO_GIT} is set: no git repository was made (runs will record git: null)"
    if (Path(project_dir) / ".git").exists():
        return None
    identity = ["-c", f"user.name={answers['author_name']}", "-c", f"user.email={answers['email']}"]
    steps = (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "--no-verify", "--no-gpg-sign", "-m",
                                               "Project created from the cookiecutter-biodl template"])
    try:
        for step in steps:
            subprocess.run(["git", *step], cwd=project_dir, check=True, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        return "git is not installed: no repository was made, so runs will record git: null until you make one"
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        reason = (getattr(exc, "stderr", "") or "").strip().splitlines()[-1:] or ["timed out"]
        return f"git could not make the first commit ({reason[0]}); run `git init` yourself"
    return "Made a git repository with a first commit (set BIODL_NO_GIT=1 to skip this)."


def main():
    project_dir = Path.cwd()
    for relative in paths_switched_off(ANSWERS):
        remove(project_dir / relative)
    keep_modality_cells(project_dir / "notebooks", ANSWERS["modality"], ANSWERS["task"])
    keep_template_copies(project_dir)
    note = init_git(project_dir, ANSWERS)
    print(next_steps(ANSWERS))
    if note:
        print(note)


if __name__ == "__main__":
    main()
