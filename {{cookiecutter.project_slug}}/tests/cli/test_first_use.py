"""A newcomer's first commands: helpful --help, a misspelled column named as such, pages that link home."""

import pytest
from fake_run import make_run

from {{ cookiecutter.module_name }}_engine.cli.commands import main
from {{ cookiecutter.module_name }}_engine.reports.report import build_report


def test_data_add_help_explains_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["data", "add", "--help"])
    out = capsys.readouterr().out
    for option, words in (("--source", "who made"), ("--accession", "DOI or URL"), ("--licence", "CC BY"),
                          ("--retrieved", "YYYY-MM-DD"), ("--version", "release")):
        assert option in out and words in out, option
    assert "AUTHOR MUST ANSWER" in out


@pytest.mark.parametrize("command", ["check", "split"])
def test_a_misspelled_target_column_is_named_not_taken_for_a_changed_split(project, capsys, command):
    config = str(project / "lab.yaml")
    assert main(["--config", config, "split", "--new"]) == 0
    capsys.readouterr()
    text = (project / "lab.yaml").read_text().replace("target: diagnosis", "target: diagnosys")
    (project / "lab.yaml").write_text(text)
    assert main(["--config", config, command]) == 2
    err = capsys.readouterr().err
    assert "'data.target' names column 'diagnosys'" in err and "split --new" not in err


def test_notebook_pages_link_back_to_the_index(tmp_path):
    run = make_run(tmp_path / "r")
    build_report(run)
    page = (run / "notebooks_html/00_question.html").read_text()
    assert '<a href="../index.html">' in page
    assert (run / "notebooks_html/../index.html").is_file()
