"""The run report, built from hand-made run folders: files, links, determinism, DOME, model card, datasheet."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fake_run import ARTIFACTS, make_run

from {{ cookiecutter.module_name }}_engine.cli.commands import _report_after_run, main
from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.reports.documents import PERSON, answer
from {{ cookiecutter.module_name }}_engine.reports.dome import FIELDS
from {{ cookiecutter.module_name }}_engine.reports.report import build_report

STANDARDS_DOME_IDS = [
    "dataset/provenance", "dataset/splits", "dataset/redundancy", "dataset/availability",
    "optimization/algorithm", "optimization/meta", "optimization/encoding", "optimization/parameters",
    "optimization/features", "optimization/fitting", "optimization/regularization", "optimization/config",
    "model/interpretability", "model/output", "model/duration", "model/availability",
    "evaluation/method", "evaluation/measure", "evaluation/comparison", "evaluation/confidence",
    "evaluation/availability",
]  # fmt: skip
MODEL_CARD_SECTIONS = [
    "Model details", "Intended use", "Factors", "Metrics", "Evaluation data", "Training data",
    "Quantitative analyses", "Ethical considerations", "Caveats and recommendations",
]  # fmt: skip


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.scripts = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag == "script" and "src" in attrs:
            self.scripts.append(attrs["src"])


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture
def run_dir(tmp_path):
    return make_run(tmp_path / "reports" / "runs" / "20260101-100000-quick")


def test_report_writes_index_documents_and_notebook_pages(run_dir):
    summary = build_report(run_dir)
    for name in ("index.html", "MODEL_CARD.md", "model_card.html", "DOME.md", "dome.html", "dome.json",
                 "DATASHEET.md", "datasheet.html", "notebooks_html/00_question.html"):
        assert (run_dir / name).is_file(), name
        assert name in summary.files


def test_every_link_and_image_on_the_index_is_relative_and_exists(run_dir):
    build_report(run_dir)
    page = parse(run_dir / "index.html")
    targets = [link for link in page.links if not link.startswith("#")] + page.images
    assert "notebooks_html/00_question.html" in targets and "figures/05_train_tune_gap.png" in page.images
    for target in targets:
        assert not re.match(r"^[a-z]+:|^/", target), f"{target} is not a relative link"
        assert (run_dir / target).is_file(), f"{target} is linked but missing"
    for document in ("model_card.html", "dome.html", "datasheet.html"):
        for image in parse(run_dir / document).images:
            assert (run_dir / image).is_file(), image


def test_two_reports_of_the_same_run_are_identical(run_dir):
    first = build_report(run_dir)
    before = {name: (run_dir / name).read_bytes() for name in first.files}
    build_report(run_dir)
    assert {name: (run_dir / name).read_bytes() for name in first.files} == before


def test_comparison_table_shows_every_tuned_family_and_the_best(run_dir):
    build_report(run_dir)
    html = (run_dir / "index.html").read_text()
    table = html[html.index('id="comparison-table"'):]
    table = table[: table.index("</table>")]
    assert re.findall(r'data-family="([^"]+)"', table) == ["network", "logistic_regression"]
    assert 'data-family="network" class="best"' in table


def test_index_shows_test_intervals_cautions_open_entries_and_warnings(run_dir):
    build_report(run_dir)
    html = (run_dir / "index.html").read_text()
    assert "0.950 (0.900–0.990)" in html
    assert "Importances are associations, not causes." in html
    assert "That feature a causes malignancy." in html
    assert "Consent confirmed" in html and "Old worry" not in html  # only open entries
    assert "Two samples are nearly identical." in html
    assert "Flagged for a train–tune gap above 0.050: network." in html


def test_notebook_pages_embed_images_and_load_nothing_remote(run_dir):
    build_report(run_dir)
    page = run_dir / "notebooks_html/00_question.html"
    parsed = parse(page)
    assert parsed.scripts == []
    assert parsed.images and all(src.startswith("data:image/png;base64,") for src in parsed.images)


def test_dome_json_is_keyed_by_the_standard_ids_and_scores_completeness(run_dir):
    build_report(run_dir)
    dome = json.loads((run_dir / "dome.json").read_text())
    assert [key for key, *_ in FIELDS] == STANDARDS_DOME_IDS
    assert [k for k in dome if "/" in k] == STANDARDS_DOME_IDS
    filled = [k for k in STANDARDS_DOME_IDS if dome[k]["filled"]]
    assert dome["completeness"]["filled"] == len(filled) and dome["completeness"]["total"] == 21
    assert dome["evaluation/confidence"]["filled"] and "0.95" in dome["evaluation/confidence"]["value"]
    assert not dome["model/duration"]["filled"] and dome["model/duration"]["value"] is None
    assert f"{PERSON}:" in (run_dir / "DOME.md").read_text()


def test_dome_score_falls_when_notebooks_did_not_run(tmp_path):
    partial = make_run(tmp_path / "partial", {"00_question": ARTIFACTS["00_question"]})
    summary = build_report(partial)
    full = build_report(make_run(tmp_path / "full"))
    assert summary.dome_filled < full.dome_filled
    html = (partial / "index.html").read_text()
    assert "Not recorded in this run; run notebook 04" in html
    assert "The test part has not been opened in this run" in html


def test_empty_words_do_not_count_as_answers():
    assert not answer("x", "Unknown").filled and not answer("x", "na").filled and not answer("x").filled
    assert answer("x", "Stratified by class.").filled


def test_model_card_has_the_nine_sections_in_order(run_dir):
    build_report(run_dir)
    markdown = (run_dir / "MODEL_CARD.md").read_text()
    assert re.findall(r"^## (.+)$", markdown, flags=re.M) == MODEL_CARD_SECTIONS
    assert "Checked subgroups." in markdown  # a settled register entry is a mitigation
    assert "![" in markdown and "(figures/05_train_tune_gap.png)" in markdown


def test_datasheet_completes_the_draft_with_what_the_run_learned(run_dir):
    build_report(run_dir)
    markdown = (run_dir / "DATASHEET.md").read_text()
    sections = re.findall(r"^## (.+)$", markdown, flags=re.M)
    assert sections[:7] == ["Motivation", "Composition", "Collection process", "Preprocessing/cleaning/labeling",
                            "Uses", "Distribution", "Maintenance"]
    motivation = markdown[markdown.index("## Motivation"):markdown.index("## Composition")]
    assert "Why were the data collected" in motivation and PERSON in motivation
    assert "Fine-needle aspirates." in markdown
    splits = markdown[markdown.index("### Recommended splits"):]
    splits = splits[: splits.index("\n### ")]
    assert "train 60, tune 20, test 20" in splits and PERSON not in splits
    assert "The test part was opened 1 time(s) in this run." in markdown


def test_not_a_run_folder_and_a_broken_artifact_are_one_sentence_and_write_nothing(run_dir, tmp_path):
    with pytest.raises(LabError, match="is not a run folder"):
        build_report(tmp_path)
    (run_dir / "artifacts" / "04_tuning.json").write_text("{broken")
    with pytest.raises(LabError, match=r"04_tuning.json is not valid JSON \(line 1\); rerun"):
        build_report(run_dir)
    assert not (run_dir / "index.html").exists()


def test_report_command_uses_the_newest_run_and_prints_the_dome_score(project, capsys):
    older = make_run(project / "reports" / "runs" / "20260101-090000-quick")
    newer = make_run(project / "reports" / "runs" / "20260102-090000-quick")
    assert main(["--config", str(project / "lab.yaml"), "report"]) == 0
    out = capsys.readouterr().out
    assert (newer / "index.html").is_file() and not (older / "index.html").exists()
    assert re.search(r"DOME completeness: filled by the run: \d+ of 21; left for a person: \d+", out)
    assert main(["--config", str(project / "lab.yaml"), "report", "--run", str(older)]) == 0
    assert (older / "index.html").is_file()


def test_report_command_without_runs_says_what_to_do(project, capsys):
    assert main(["--config", str(project / "lab.yaml"), "report"]) == 2
    err = capsys.readouterr().err
    assert "there is no run under" in err and err.count("\n") == 1


def test_a_failing_report_after_a_run_only_warns(run_dir, capsys):
    (run_dir / "artifacts" / "05_overfitting.json").write_text("[1, 2]")
    _report_after_run(run_dir, run_dir.parents[2])
    err = capsys.readouterr().err
    assert err.startswith("warning: the run's results are complete") and "report --run reports/runs/" in err
    assert (run_dir / "run.json").is_file() and not (run_dir / "index.html").exists()
