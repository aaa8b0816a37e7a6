"""One device choice (lab.yaml's `device`) reaches every network; CUDA runs deterministically.

Tests marked `cuda` need a CUDA GPU and are skipped, saying so, where there is none (as in CI):
the CPU path stays the tested default.
"""

import os

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import make_classification

from {{ cookiecutter.module_name }}_engine.cli.commands import main
from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.models.nets import pick_device, seed_everything
from {{ cookiecutter.module_name }}_engine.models.networks import make_network
from {{ cookiecutter.module_name }}_engine.runner.execution import Plan, device_record
from {{ cookiecutter.module_name }}_engine.runner.kernels import KERNEL_ENV, kernel_env
from {{ cookiecutter.module_name }}_engine.settings.config import load_config
from {{ cookiecutter.module_name }}_engine.tuning.search import _init_worker, tune_family
from {{ cookiecutter.module_name }}_engine.tuning.spaces import NETWORK, build_model

CUDA = torch.cuda.is_available()
cuda = pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU; none here, and the CPU path is the tested default")
no_cuda = pytest.mark.skipif(CUDA, reason="checks the message shown where CUDA is absent")


def _splits(n=120):
    X, y = make_classification(n_samples=n, n_features=5, random_state=0)
    X = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    return X.iloc[:80], y[:80], X.iloc[80:], y[80:]


def test_lab_yaml_device_defaults_to_auto_and_refuses_unknown_ones(project):
    assert load_config(project / "lab.yaml").device == "auto"
    assert load_config(project / "lab.yaml", {"device": "cuda:1"}).device == "cuda:1"
    with pytest.raises(LabError, match="field 'device' must be auto, cpu, cuda, cuda:N"):
        load_config(project / "lab.yaml", {"device": "gpu"})


def test_the_device_reaches_networks_built_for_refits_and_leaves_classical_models_alone():
    X, *_ = _splits()
    assert make_network(X, {"device": "cpu"}, device="auto")[-1].device == "auto"
    assert make_network(X, {"device": "cpu"})[-1].device == "cpu"
    assert build_model(NETWORK, X, {"epochs": 2}, seed=0, device="auto")[-1].device == "auto"
    assert build_model("logistic_regression", X, {}, seed=0, device="cuda")[-1].get_params()["C"] > 0


def test_every_network_trial_records_where_it_trained(tmp_path):
    result = tune_family(NETWORK, *_splits(), n_trials=2, seed=0, fixed={"epochs": 4}, device="auto")
    picked = pick_device("auto")
    assert [t["device"] for t in result["trials"] + result["pruned"]] == [picked, picked]


def test_tune_workers_take_the_device_from_lab_yaml_or_the_command_line(project, tmp_path, capsys):
    config = str(project / "lab.yaml")
    storage = f"journal://{tmp_path / 's.log'}"
    args = ["--config", config, "tune", "--storage", storage, "--study", "n", "--n-trials", "1",
            "-p", "profiles.quick.epochs=3", "--json"]
    assert main([*args, "--device", "cpu"]) == 0
    assert '"device": "cpu"' in capsys.readouterr().out


@no_cuda
def test_a_cuda_device_where_there_is_none_is_one_sentence_before_any_trial(project, tmp_path, capsys):
    args = ["--config", str(project / "lab.yaml"), "tune", "--storage", f"journal://{tmp_path / 's.log'}",
            "--study", "n", "--n-trials", "1", "--device", "cuda"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "device 'cuda' was requested but CUDA is not available; set device to auto or cpu" in err
    assert err.count("\n") == 1 and not (tmp_path / "s.log").exists()


def test_every_kernel_and_tuning_process_gets_deterministic_cublas(monkeypatch):
    assert KERNEL_ENV["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"
    assert kernel_env()["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG", raising=False)
    _init_worker()
    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"
    assert torch.are_deterministic_algorithms_enabled()


def test_run_json_records_the_setting_the_picked_device_and_the_trials_devices(tmp_path, project):
    (tmp_path / "artifacts").mkdir()
    (tmp_path / "artifacts/03_architecture.json").write_text(
        '{"checks": {"device": "cpu", "deterministic_algorithms": true}}')
    (tmp_path / "artifacts/04_tuning.json").write_text(
        '{"results": {"network": {"trials": [{"device": "cpu"}], "pruned": [{"device": "cpu"}]}, '
        '"svm": {"trials": [{}]}}}')
    plan = Plan(project, project / "lab.yaml", load_config(project / "lab.yaml"), {}, tmp_path, [])
    assert device_record(plan) == {"setting": "auto", "picked": "cpu", "deterministic_algorithms": True,
                                   "tuning_trials": ["cpu"], "cublas_workspace_config": ":4096:8"}


# on a GPU ------------------------------------------------------------------------------------------
@cuda
def test_auto_picks_cuda_where_there_is_a_gpu():
    assert pick_device("auto") == "cuda"


@cuda
@pytest.mark.parametrize("sequences", [False, True])
def test_two_fits_on_cuda_give_identical_weights_and_predictions(sequences):
    if sequences:
        rng = np.random.default_rng(0)
        X = pd.Series(["".join(rng.choice(list("ACGT"), 60)) for _ in range(200)], name="sequence").to_frame()
        y = np.array(["bound", "unbound"] * 100)
    else:
        X, y, _, _ = _splits(300)
    fits = []
    for _ in range(2):
        seed_everything(0)
        model = make_network(X, {"epochs": 5, "batch_size": 32}, seed=0, device="cuda").fit(X, y)
        assert next(model[-1].module_.parameters()).is_cuda
        fits.append((model.predict_proba(X), [p.detach().cpu().numpy() for p in model[-1].module_.parameters()]))
    np.testing.assert_array_equal(fits[0][0], fits[1][0])
    for a, b in zip(fits[0][1], fits[1][1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert torch.are_deterministic_algorithms_enabled()


@cuda
def test_network_trials_on_cuda_record_it():
    result = tune_family(NETWORK, *_splits(), n_trials=2, seed=0, fixed={"epochs": 4}, device="cuda")
    assert {t["device"] for t in result["trials"] + result["pruned"]} == {"cuda"}


def test_multiclass_loss_on_cuda_avoids_nll_loss_and_matches_cross_entropy():
    from torch import nn

    from {{ cookiecutter.module_name }}_engine.models.nets import OneHotCrossEntropy, loss_for

    assert isinstance(loss_for(2, "cuda"), nn.BCEWithLogitsLoss)
    assert isinstance(loss_for(3, "cpu"), nn.CrossEntropyLoss)
    assert isinstance(loss_for(3, "cuda:1"), OneHotCrossEntropy)
    logits = torch.randn(50, 4, generator=torch.Generator().manual_seed(0), requires_grad=True)
    target = torch.arange(50) % 4
    ours, reference = OneHotCrossEntropy()(logits, target), nn.CrossEntropyLoss()(logits, target)
    torch.testing.assert_close(ours, reference)
    torch.testing.assert_close(torch.autograd.grad(ours, logits)[0], torch.autograd.grad(reference, logits)[0])
