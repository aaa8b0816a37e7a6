"""The report of a real quick run tells the truth: the saved model, the verdict, the honest DOME score."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import project_env

pytestmark = pytest.mark.slow

CHECK_SAVED_MODEL = """
import json, sys, joblib
from {module}_engine.models.nets import count_parameters
net = joblib.load(sys.argv[1])[-1]
print(json.dumps({{"p": count_parameters(net.module_), "epochs": len(net.history_), "kind": type(net).__name__}}))
"""


def saved_network(project, run_dir, module="my_lab_project"):
    """The saved network's parameters and epochs, read from the joblib file in a fresh process."""
    done = subprocess.run([sys.executable, "-c", CHECK_SAVED_MODEL.format(module=module),
                           str(run_dir / "models/network.joblib")], cwd=project, env=project_env(project),
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def check_report(project, run_dir):
    saved = saved_network(project, run_dir)
    card, dome = (run_dir / "MODEL_CARD.md").read_text(), (run_dir / "DOME.md").read_text()
    assert f"{saved['p']} trainable parameters" in card and f"trained for {saved['epochs']} epochs" in card
    assert f"p = {saved['p']} trainable parameters" in dome and "no early stopping" not in dome
    html = (run_dir / "index.html").read_text()
    verdict = html[html.index('id="verdict"'):]
    verdict = verdict[: verdict.index("</section>")]
    test = json.loads((run_dir / "artifacts/05_overfitting.json").read_text())["test"]
    paired = test["paired"]
    assert f"{paired['difference']:+.3f} [95% paired bootstrap interval {paired['low']:+.3f} to " \
           f"{paired['high']:+.3f}]" in verdict
    best = max(test["models"], key=lambda f: (test["models"][f]["metrics"]["roc_auc"]["value"], f))
    assert f"ROC-AUC {test['models'][best]['metrics']['roc_auc']['value']:.3f}." in verdict
    assert "start with classical models" not in verdict  # notebook 00's advice is shown with 00, as such
    score = json.loads((run_dir / "dome.json").read_text())["completeness"]
    asked = len(re.findall(r"TO BE COMPLETED BY A PERSON", dome))
    assert score["left_for_person"] >= 1 and score["filled"] + score["left_for_person"] == 21
    assert asked >= score["left_for_person"]
    return verdict


def test_tabular_report_describes_the_saved_model_and_opens_with_the_verdict(quick_run):
    project, run_dir, _ = quick_run
    verdict = check_report(project, run_dir)
    assert "shuffled-label refit" in verdict
