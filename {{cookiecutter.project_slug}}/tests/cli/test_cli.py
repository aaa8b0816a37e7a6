import json
import subprocess
import sys

import optuna

from {{ cookiecutter.module_name }}_engine.cli.commands import main


def test_check_passes_on_the_shipped_project(project, capsys):
    assert main(["--config", str(project / "lab.yaml"), "check"]) == 0
    assert "is valid" in capsys.readouterr().out


def test_user_error_is_one_line_and_exit_2(project, capsys):
    code = main(["--config", str(project / "lab.yaml"), "run", "-p", "seed=-3"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: lab.yaml: field 'seed'") and err.count("\n") == 1
    assert "Traceback" not in err


def test_data_add_and_accept(project, capsys):
    (project / "data/raw").mkdir()
    (project / "data/raw/t.csv").write_text("a,label\n1,x\n2,y\n")
    config = str(project / "lab.yaml")
    assert main(["--config", config, "data", "add", "data/raw/t.csv", "--source", "bench"]) == 0
    (project / "data/raw/t.csv").write_text("a,label\n1,x\n3,y\n")
    assert main(["--config", config, "data", "accept", "data/raw/t.csv"]) == 0
    assert "→" in capsys.readouterr().out


def test_module_entry_point_runs(project):
    result = subprocess.run([sys.executable, "-m", "{{ cookiecutter.module_name }}", "--help"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "run" in result.stdout


def test_split_command_shows_makes_and_guards_the_recorded_split(project, capsys):
    config = str(project / "lab.yaml")
    assert main(["--config", config, "split"]) == 0
    assert "no split recorded yet" in capsys.readouterr().out
    assert main(["--config", config, "split", "--new"]) == 0
    assert "the test set has changed" in capsys.readouterr().out
    assert (project / "data/splits/breast_cancer_wisconsin.json").is_file()
    assert main(["--config", config, "split"]) == 0
    assert "matches data/external/breast_cancer_wisconsin.csv" in capsys.readouterr().out
    text = (project / "lab.yaml").read_text().replace("  tune: 0.2\n", "  tune: 0.3\n")
    (project / "lab.yaml").write_text(text)
    assert main(["--config", config, "check"]) == 2
    err = capsys.readouterr().err
    assert "other settings" in err and "split --new" in err and err.count("\n") == 1


def test_tune_adds_trials_to_a_shared_study_and_refuses_another_family_on_it(project, capsys, tmp_path):
    config = str(project / "lab.yaml")
    storage = f"sqlite:///{tmp_path / 'shared.db'}"
    base = ["--config", config, "tune", "--storage", storage, "--study", "nb", "--family", "naive_bayes"]
    assert main([*base, "--n-trials", "2"]) == 0
    assert "ran 2 trial(s)" in capsys.readouterr().out
    assert main([*base, "--n-trials", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n_trials"] == 5 and result["worker_trials"] == [2, 3, 4]
    study = optuna.load_study(study_name="nb", storage=storage)
    assert study.user_attrs["family"] == "naive_bayes" and len(study.trials) == 5
    assert study.best_value == result["best_score"]
    other = ["--config", config, "tune", "--storage", storage, "--study", "nb", "--family", "svm", "--n-trials", "1"]
    assert main(other) == 2
    err = capsys.readouterr().err
    assert "study 'nb' already exists with another model family" in err and err.count("\n") == 1


def test_tune_bad_input_is_one_line(project, capsys):
    config = str(project / "lab.yaml")
    unreachable = ["--config", config, "tune", "--storage", "postgresql://lab:hunter2@127.0.0.1:9/optuna",
                   "--study", "s", "--n-trials", "1", "--family", "naive_bayes"]
    assert main(unreachable) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot open the tuning storage postgresql://lab:***@127.0.0.1:9/optuna")
    assert "hunter2" not in err and "Traceback" not in err and err.count("\n") == 1
    zero = ["--config", config, "tune", "--storage", "sqlite:///x.db", "--study", "s", "--n-trials", "0"]
    assert main(zero) == 2
    assert "--n-trials must be a whole number of at least 1" in capsys.readouterr().err
    family = ["--config", config, "tune", "--storage", "sqlite:///x.db", "--study", "s", "--n-trials", "1",
              "--family", "prior"]
    assert main(family) == 2
    assert "not among lab.yaml's tuning.families" in capsys.readouterr().err
