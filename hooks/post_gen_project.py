"""Remove what the answers switched off, then say what to do next.

Runs inside the new project folder. Safe to run twice: a path already gone is skipped.
"""

import hashlib
import json
import shutil
from pathlib import Path

# The only Jinja in this file: the answers, as JSON (= Python) string literals.
ANSWERS = {
    "project_slug": {{ cookiecutter.project_slug | string | tojson }},
    "license": {{ cookiecutter.license | string | tojson }},
    "ci": {{ cookiecutter.ci | string | tojson }},
    "modality": {{ cookiecutter.modality | string | tojson }},
    "sequence_alphabet": {{ cookiecutter.sequence_alphabet | default("dna") | string | tojson }},
}

# The built-in example data of each modality; a project keeps its own modality's only.
EXAMPLE_DATA = {
    "tabular": "data/external/breast_cancer_wisconsin.csv",
    "sequence": "data/external/tf_binding_simulated.fa",
}
SEQUENCE_EXAMPLES = {"dna": "data/external/tf_binding_simulated.fa",
                     "protein": "data/external/protein_families_simulated.fa"}


def paths_switched_off(answers):
    """Project-relative paths the answers ask us not to ship."""
    paths = []
    if answers["license"] == "none":
        paths.append("LICENSE")
    if answers["ci"] == "none":
        paths.append(".github")
    paths += [path for modality, path in EXAMPLE_DATA.items() if modality != answers["modality"]]
    other_alphabet = "dna" if answers.get("sequence_alphabet") == "protein" else "protein"
    paths.append(SEQUENCE_EXAMPLES[other_alphabet])  # a sequence study keeps its alphabet's example only
    return paths


def keep_modality_cells(notebooks, modality):
    """Drop notebook cells tagged for the other modality ("tabular" / "sequence"), and those tags.

    The notebooks explain tables and sequences in separate cells; a project keeps the ones for
    its data. Notebooks are rewritten only when something changed, in nbformat's own layout.
    """
    for path in sorted(Path(notebooks).glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        notebook = json.loads(text)
        kept = []
        for cell in notebook["cells"]:
            tags = cell.get("metadata", {}).get("tags", [])
            if any(tag in EXAMPLE_DATA and tag != modality for tag in tags):
                continue
            if modality in tags:
                tags.remove(modality)
                if not tags:
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


def main():
    project_dir = Path.cwd()
    for relative in paths_switched_off(ANSWERS):
        remove(project_dir / relative)
    keep_modality_cells(project_dir / "notebooks", ANSWERS["modality"])
    keep_template_copies(project_dir)
    print(next_steps(ANSWERS))


if __name__ == "__main__":
    main()
