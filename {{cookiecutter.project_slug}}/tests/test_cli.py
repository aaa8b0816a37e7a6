import subprocess
import sys

from {{ cookiecutter.module_name }}.cli import main


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
