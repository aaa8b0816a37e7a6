"""Bad answers stop the bake with one sentence naming the field, and leave nothing behind."""

from pathlib import Path

import pytest

# (field the message must name, answers, a fix the message should offer)
BAD_ANSWERS = [
    ("project_slug", {"project_slug": "My Project"}, "'my-project'"),
    ("project_slug", {"project_slug": "my_project"}, "'my-project'"),
    ("project_slug", {"project_slug": "-x"}, "'x'"),
    ("project_slug", {"project_slug": "lab--one"}, "'lab-one'"),
    ("module_name", {"module_name": "1abc"}, "'lab_1abc'"),
    ("module_name", {"module_name": "class"}, "'class_study'"),
    ("module_name", {"module_name": "torch"}, "'torch_study'"),
    ("module_name", {"module_name": "random"}, "'random_study'"),
    ("module_name", {"module_name": "test"}, "'test_study'"),
    ("module_name", {"module_name": "my-mod"}, "'my_mod'"),
    ("module_name", {"module_name": "MyMod"}, "'mymod'"),
    ("module_name", {"module_name": "donnée"}, "'donnee'"),
    ("email", {"email": "not-an-email"}, "you@example.org"),
    ("email", {"email": "a@b"}, "you@example.org"),
    ("email", {"email": "a b@example.org"}, "you@example.org"),
    ("project_name", {"project_name": "", "project_slug": "empty-name"}, "name"),
    ("project_name", {"project_name": "   ", "project_slug": "blank-name"}, "name"),
    ("author_name", {"author_name": ""}, "person responsible"),
    ("author_name", {"author_name": 'Ada "Jr" Lovelace'}, "leave those characters out"),
    ("email", {"email": 'a"b@example.org'}, "leave those characters out"),
    ("description", {"description": "Uses C:\\data"}, "leave those characters out"),
    ("sequence_alphabet", {"sequence_alphabet": "protein", "task": "regression", "modality": "sequence"},
     "answer dna"),
]


def bad_id(case):
    field, answers, _ = case
    return f"{field}={answers[field]!r}"


def leftovers(output_root):
    """Whatever a failed bake left in pytest-cookies' output folders (bake00, bake01 …)."""
    if not output_root.exists():
        return []
    return sorted(str(p.relative_to(output_root)) for p in output_root.glob("*/*"))


@pytest.mark.parametrize("case", BAD_ANSWERS, ids=bad_id)
def test_bad_answer_is_refused_in_one_sentence(bake_fresh, capfd, case):
    field, answers, fix = case
    result, output_root = bake_fresh(**answers)
    err = capfd.readouterr().err.strip()

    assert result.exit_code != 0
    assert result.exception is not None
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"ERROR: {field} "), err
    assert fix in err, err
    assert err.endswith("."), err
    assert "Traceback" not in err
    assert leftovers(output_root) == []


def test_torch_message_reads_as_documented(bake_fresh, capfd):
    _, _ = bake_fresh(module_name="torch")
    err = capfd.readouterr().err.strip()
    assert err == (
        "ERROR: module_name 'torch' would shadow the installed package 'torch'; "
        "choose another name, e.g. 'torch_study'."
    )


def test_empty_project_name_with_derived_slug_is_refused_by_the_hook(bake_fresh, capfd):
    # The derived slug falls back to a placeholder, so the hook (not cookiecutter) explains.
    result, output_root = bake_fresh(project_name="")
    assert result.exit_code != 0
    assert "project_name" in capfd.readouterr().err
    assert leftovers(output_root) == []


def test_answers_with_quotes_cannot_break_the_hook(bake_fresh, capfd):
    result, output_root = bake_fresh(module_name='x"; import os #\\')
    err = capfd.readouterr().err.strip()
    assert result.exit_code != 0
    assert err.startswith("ERROR: module_name "), err
    assert leftovers(output_root) == []


# --- the command line, as a user runs it ---------------------------------------------------


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({"module_name": "torch"}, "module_name 'torch' would shadow the installed package"),
    ],
    ids=["module-torch"],
)
def test_cli_refuses_bad_answer_and_writes_nothing(run_cli, answers, expected):
    completed, output_dir = run_cli(**answers)
    assert completed.returncode != 0
    # stderr carries the hook's sentence and nothing else; cookiecutter 2.7 itself logs
    # "Stopping generation …" plus a traceback on stdout, which a hook cannot silence.
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], completed.stderr
    assert list(output_dir.iterdir()) == []


def test_cli_bake_prunes_and_prints_next_steps(run_cli):
    completed, output_dir = run_cli(
        project_name="Gut Microbiome Study", license="none", ci="none", sensitive_data="yes"
    )
    assert completed.returncode == 0, completed.stderr
    project = output_dir / "gut-microbiome-study"
    assert project.is_dir()
    assert not (project / "LICENSE").exists()
    assert not (project / ".github").exists()
    for step in ("cd gut-microbiome-study", "make setup", "make run", "make lab"):
        assert step in completed.stdout


@pytest.mark.parametrize(("answers", "kept", "gone"), [
    ({"task": "regression"}, "data/external/diabetes.csv", "breast_cancer_wisconsin.csv"),
    ({"task": "regression", "modality": "sequence"}, "data/external/binding_affinity_simulated.fa",
     "tf_binding_simulated.fa"),
    ({}, "data/external/breast_cancer_wisconsin.csv", "diabetes.csv"),
])
def test_task_keeps_its_example_and_its_notebook_cells(bake_fresh, answers, kept, gone):
    import json

    result, _ = bake_fresh(**answers)
    assert result.exit_code == 0, result.exception
    project = result.project_path
    assert [p.name for p in (project / "data/external").iterdir()] == [Path(kept).name]
    assert gone not in (project / "data/manifest.yaml").read_text()
    task = answers.get("task", "classification")
    other = "classification" if task == "regression" else "regression"
    cells = [cell for path in sorted((project / "notebooks").glob("*.ipynb"))
             for cell in json.loads(path.read_text())["cells"]]
    assert not any(set(cell.get("metadata", {}).get("tags", [])) & {task, other} for cell in cells)
    baselines = "".join("".join(c["source"]) for c in json.loads((project / "notebooks/02_baselines.ipynb")
                                                                   .read_text())["cells"])
    assert ("**mean predictor**" in baselines) == (task == "regression")  # the task's own paragraph, kept or dropped
    assert f"task: {task}" in (project / "lab.yaml").read_text()
