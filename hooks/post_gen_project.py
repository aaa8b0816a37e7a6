"""Remove what the answers switched off, then say what to do next.

Runs inside the new project folder. Safe to run twice: a path already gone is skipped.
"""

import shutil
from pathlib import Path

# The only Jinja in this file: the answers, as JSON (= Python) string literals.
ANSWERS = {
    "project_slug": {{ cookiecutter.project_slug | string | tojson }},
    "license": {{ cookiecutter.license | string | tojson }},
    "ci": {{ cookiecutter.ci | string | tojson }},
    "modality": {{ cookiecutter.modality | string | tojson }},
}

# The built-in example data of each modality; a project keeps its own modality's only.
EXAMPLE_DATA = {
    "tabular": "data/external/breast_cancer_wisconsin.csv",
    "sequence": "data/external/tf_binding_simulated.fa",
}


def paths_switched_off(answers):
    """Project-relative paths the answers ask us not to ship."""
    paths = []
    if answers["license"] == "none":
        paths.append("LICENSE")
    if answers["ci"] == "none":
        paths.append(".github")
    paths += [path for modality, path in EXAMPLE_DATA.items() if modality != answers["modality"]]
    return paths


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
    print(next_steps(ANSWERS))


if __name__ == "__main__":
    main()
