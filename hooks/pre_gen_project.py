"""Check the cookiecutter answers before anything is written.

A bad answer prints one sentence (which field, what to do) to stderr and exits 1;
cookiecutter then removes the half-made project folder.
"""

import keyword
import os
import re
import sys
import unicodedata

# The only Jinja in this file: each answer rendered as a JSON string literal, which is
# also a valid Python string literal, so quotes or backslashes in an answer cannot break
# this script.
ANSWERS = {
    "project_name": {{ cookiecutter.project_name | string | tojson }},
    "project_slug": {{ cookiecutter.project_slug | string | tojson }},
    "module_name": {{ cookiecutter.module_name | string | tojson }},
    "author_name": {{ cookiecutter.author_name | string | tojson }},
    "email": {{ cookiecutter.email | string | tojson }},
    "description": {{ cookiecutter.description | string | tojson }},
    "modality": {{ cookiecutter.modality | string | tojson }},
    "task": {{ cookiecutter.task | default("classification") | string | tojson }},
    "sequence_alphabet": {{ cookiecutter.sequence_alphabet | default("dna") | string | tojson }},
    "license": {{ cookiecutter.license | string | tojson }},
    "sensitive_data": {{ cookiecutter.sensitive_data | string | tojson }},
    "ci": {{ cookiecutter.ci | string | tojson }},
}

# Import names a module_name must not shadow: the project's dependencies and the
# scientific packages a lab is likely to have installed next to it.
RESERVED_PACKAGES = (
    "torch", "numpy", "pandas", "sklearn", "scipy", "optuna", "papermill", "matplotlib",
    "yaml", "pydantic", "jupyter", "jupyterlab", "jupyter_core", "jupyter_client",
    "jupyter_server", "notebook", "ipykernel", "ipywidgets", "nbformat", "nbclient",
    "nbconvert", "pytest", "captum", "tqdm", "rich", "setuptools", "pip", "wheel",
    "cookiecutter", "IPython", "sqlalchemy", "alembic", "jinja2", "click", "requests",
    "joblib", "threadpoolctl", "torchvision", "seaborn", "statsmodels", "xgboost",
    "lightgbm", "tensorflow", "keras", "jax", "Bio", "anndata", "scanpy", "h5py",
    "pyarrow", "polars", "PIL", "skimage", "networkx", "numba", "dask",
)

SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
CHOICES = {
    "modality": ("tabular", "sequence", "image"),
    "task": ("classification", "regression"),
    "license": ("MIT", "BSD-3-Clause", "Apache-2.0", "none"),
    "ci": ("github-actions", "none"),
    "sensitive_data": ("True", "False"),
}
# Free text (names, e-mail, description) lands inside double-quoted strings in
# pyproject.toml, CITATION.cff and notebook JSON, where these characters would break it.
UNSAFE_CHARACTERS = ('"', "\\")


class AnswerError(Exception):
    """A cookiecutter answer that cannot produce a working project."""


def plain_ascii(value):
    """Lowercase ASCII approximation of any text ('Donnée' -> 'donnee')."""
    decomposed = unicodedata.normalize("NFKD", value)
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def suggest_slug(value):
    """Turn any text into a slug that passes SLUG_PATTERN."""
    slug = re.sub(r"[^a-z0-9]+", "-", plain_ascii(value)).strip("-")
    if not slug:
        return "my-lab-project"
    return slug if slug[0].isalpha() else "lab-" + slug


def suggest_module_name(value):
    """Turn any text into a lowercase ASCII identifier that is not reserved."""
    name = re.sub(r"[^a-z0-9]+", "_", plain_ascii(value)).strip("_")
    if not name:
        return "my_study"
    if not name[0].isalpha():
        name = "lab_" + name
    if is_reserved_module_name(name):
        name = name + "_study"
    return name


def is_reserved_module_name(name):
    """True when importing `name` would hit a keyword, the stdlib or a known package."""
    reserved = {pkg.lower() for pkg in RESERVED_PACKAGES}
    return (
        keyword.iskeyword(name)
        or name in sys.stdlib_module_names
        or name == "test"
        or name.lower() in reserved
    )


def check_project_name(value):
    if not value.strip():
        raise AnswerError(
            "project_name is empty; give the study a name, e.g. 'Gut Microbiome Study'."
        )


def check_project_slug(value):
    if not SLUG_PATTERN.fullmatch(value):
        raise AnswerError(
            f"project_slug {value!r} must be lowercase words of letters and digits joined "
            f"by single dashes, starting with a letter; use e.g. {suggest_slug(value)!r}."
        )


def check_module_name(value):
    fix = suggest_module_name(value)
    if not (value.isascii() and value.isidentifier()):
        raise AnswerError(
            f"module_name {value!r} is not a valid Python identifier (ASCII letters, digits "
            f"and underscores, not starting with a digit); use e.g. {fix!r}."
        )
    if value != value.lower():
        raise AnswerError(f"module_name {value!r} must be lowercase; use e.g. {fix!r}.")
    if keyword.iskeyword(value):
        raise AnswerError(
            f"module_name {value!r} is a Python keyword and cannot be imported; "
            f"choose another name, e.g. '{value}_study'."
        )
    if value in sys.stdlib_module_names or value == "test":
        raise AnswerError(
            f"module_name {value!r} would shadow the Python standard-library module "
            f"{value!r}; choose another name, e.g. '{value}_study'."
        )
    clash = [pkg for pkg in RESERVED_PACKAGES if pkg.lower() == value]
    if clash:
        raise AnswerError(
            f"module_name {value!r} would shadow the installed package {clash[0]!r}; "
            f"choose another name, e.g. '{value}_study'."
        )


def check_author_name(value):
    if not value.strip():
        raise AnswerError(
            "author_name is empty; give the name of the person responsible for the study."
        )


def check_plain_text(field, value):
    if any(ch in value for ch in UNSAFE_CHARACTERS) or not value.isprintable():
        raise AnswerError(
            f"{field} {value!r} contains a double quote, backslash or control character, "
            "which would break pyproject.toml and CITATION.cff; leave those characters out."
        )


def check_email(value):
    local, at, domain = value.partition("@")
    looks_valid = (
        at
        and local
        and "@" not in domain
        and "." in domain
        and all(domain.split("."))
        and not any(ch.isspace() for ch in value)
    )
    if not looks_valid:
        raise AnswerError(
            f"email {value!r} does not look like an e-mail address; "
            "give one like 'you@example.org'."
        )


def check_choice(field, value):
    if value not in CHOICES[field]:
        options = ", ".join(CHOICES[field])
        raise AnswerError(f"{field} {value!r} is not one of: {options}; pick one of those.")


BOOLEAN_WORDS = {"1", "true", "t", "yes", "y", "on", "0", "false", "f", "no", "n", "off"}


def calling_command():
    """The command line and working folder of the process that runs this hook (Linux; else nothing)."""
    parent = os.getppid()
    try:
        with open(f"/proc/{parent}/cmdline", "rb") as handle:
            argv = [part.decode("utf-8", "replace") for part in handle.read().split(b"\0") if part]
    except OSError:
        return [], os.getcwd()
    # cookiecutter has moved into the template by now; the shell's PWD is where its relative paths start
    return argv, os.environ.get("PWD") or os.getcwd()


def user_config_path(argv, cwd, environ):
    """The user config cookiecutter read: the command's --config-file, else COOKIECUTTER_CONFIG or ~/.cookiecutterrc."""
    if "--default-config" in argv:
        return None
    for index, arg in enumerate(argv):
        if arg == "--config-file" and index + 1 < len(argv):
            return os.path.join(cwd, argv[index + 1])
        if arg.startswith("--config-file="):
            return os.path.join(cwd, arg.split("=", 1)[1])
    return environ.get("COOKIECUTTER_CONFIG") or os.path.expanduser("~/.cookiecutterrc")


def user_config_defaults(path):
    """The default_context of a user config file ({} when there is none or it cannot be read)."""
    if not path or not os.path.isfile(path):
        return {}
    try:
        import yaml  # cookiecutter's own dependency, so present wherever cookiecutter runs

        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
    except Exception:  # noqa: BLE001 - cookiecutter explains a broken config itself
        return {}
    context = data.get("default_context") if isinstance(data, dict) else None
    return context if isinstance(context, dict) else {}


def check_user_config(defaults, path):
    """An unknown choice in the user config is refused, not replaced by the template's default (cookiecutter
    only warns and bakes the default)."""
    for field, allowed in CHOICES.items():
        if field not in defaults:
            continue
        value = defaults[field]
        if field == "sensitive_data":
            if isinstance(value, bool) or str(value).strip().lower() in BOOLEAN_WORDS:
                continue
            raise AnswerError(
                f"sensitive_data {value!r} in the user config {path} is not yes or no; correct it there."
            )
        if str(value) not in allowed:
            raise AnswerError(
                f"{field} {value!r} in the user config {path} is not one of: {', '.join(allowed)}; "
                "correct it there (cookiecutter would silently use the default instead)."
            )


def validate(answers):
    """Raise AnswerError for the first bad answer, in prompt order."""
    check_project_name(answers["project_name"])
    check_plain_text("project_name", answers["project_name"])
    check_project_slug(answers["project_slug"])
    check_module_name(answers["module_name"])
    check_author_name(answers["author_name"])
    check_plain_text("author_name", answers["author_name"])
    check_email(answers["email"])
    check_plain_text("email", answers["email"])
    check_plain_text("description", answers["description"])
    for field in ("modality", "task", "license", "sensitive_data", "ci"):
        check_choice(field, answers[field])
    check_task_example(answers)


def check_task_example(answers):
    """A regression study of sequences ships the DNA affinity example; there is no protein one yet."""
    if answers["task"] == "regression" and answers["modality"] == "sequence" and answers["sequence_alphabet"] == "protein":
        raise AnswerError(
            "sequence_alphabet 'protein' has no built-in regression example (the built-in one is DNA binding "
            "affinity); answer dna, then point data.path in lab.yaml at your own protein FASTA and set "
            "sequence.alphabet: protein."
        )


def main():
    try:
        argv, cwd = calling_command()
        path = user_config_path(argv, cwd, os.environ)
        check_user_config(user_config_defaults(path), path)
        validate(ANSWERS)
    except AnswerError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
