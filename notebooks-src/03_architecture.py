# %% [markdown]
# # 03 · Architecture — representation, a small network, sanity checks
# **Tips 3 and 5** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# The representation and the architecture follow from the kind of data (`modality` in
# `lab.yaml`, Tip 5):
#
# - **Tables.** Measurements in a table have no natural order, so each standardised column is
#   one input of a small multilayer perceptron.
# - **Sequences.** Letters come in order, and what matters (a binding motif, a domain) is a
#   short pattern that may sit anywhere. Each letter becomes a one-hot code and a 1D
#   convolutional network slides a few small filters along the sequence. A filter is one set
#   of weights used at every position, so a motif is learned once wherever it occurs, with far
#   fewer weights than a fully connected layer over every position; taking each filter's best
#   match anywhere in the sequence makes the answer independent of where the motif sits.
#   Filters can start from weights trained on another data set (`sequence.pretrained_weights`,
#   a local file: transfer learning, useful when labelled sequences are few).
#
# Start small (Tip 3): a few thousand weights, fixed seeds and deterministic algorithms, and
# checks that the network behaves before any tuning. Defaults matter too, so the same network
# is trained with two optimisers.
#
# **Checklist**
# - [ ] initial loss close to ln(number of classes) — the network starts unbiased
# - [ ] the network can memorise a tiny sample (if not, something is wired wrongly)
# - [ ] parameter count compared with the number of training samples
# - [ ] training and validation losses fall; early stopping kept the best epoch
# - [ ] the optimiser comparison read; the device and the seeds are recorded

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
import pandas as pd
import torch
from IPython.display import display

from {{ cookiecutter.module_name }}_engine import (
    REFIT_ROWS,
    Run,
    compare_optimizers,
    describe,
    fit_network,
    pick_device,
    plots,
    seed_everything,
    starting_params,
)

run = Run.open(run_dir, config, profile, overrides)
task, modality = run.task, run.modality
metric = task.metric(run.cfg.tuning.metric)
seed_everything(run.seed)
device = pick_device(run.cfg.device)  # lab.yaml's device: auto = CUDA, else MPS, else CPU
X_train, y_train = run.part("train")
X_tune, y_tune = run.part("tune")
print(f"modality {modality.name}: {modality.architecture}; representation: {modality.representation}")
print(f"device {device}, seed {run.seed}, deterministic algorithms {torch.are_deterministic_algorithms_enabled()}")

# %% [markdown]
# ## The starting network
# Trained on the training split with the settings in `lab.yaml`. Early stopping watches the
# loss on the tune split after every epoch and keeps the weights of the best epoch.

# %% [markdown] tags=["regression"]
# A regression head: one output, trained with the loss of `network.loss` (MSE, or Huber, which
# weighs outlying targets less) on the target standardised with the training rows' mean and
# spread; predictions are mapped back to the target's units. An untrained network predicts about
# zero on that scale, so its MSE starts near 1 — the training target's variance there.

# %%
head = task.network  # what the task's head adds: its loss, where that loss starts, what "memorised" means
params = {**starting_params(run.cfg, run.root), **task.network_settings(run.cfg), "epochs": run.budget.epochs,
          "device": device, "early_stopping": True}
network = fit_network(task.make_network(X_train, params, seed=run.seed), X_train, y_train, (X_tune, y_tune))
net = network.named_steps["model"]
checks = {
    "device": device,
    "seed": run.seed,
    "deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
    "parameters": int(net.n_parameters_),
    "training_samples": len(y_train),
    "parameters_per_sample": net.n_parameters_ / len(y_train),
    **head.head_checks(net, metric),
    "initial_loss": net.initial_loss_,
    "expected_initial_loss": head.expected_initial_loss(net, y_train),
    "final_train_loss": net.history_[-1]["train_loss"],
    "best_epoch": net.best_epoch_,
    "stopped_epoch": net.stopped_epoch_,
    "train_score": task.score(network, X_train, y_train, metric),
    "tune_score": task.score(network, X_tune, y_tune, metric),
}

# %%
transfer = run.show(modality.transfer(run.cfg, run.dir, network)).values["transfer"]  # where the filters started
gap = abs(checks["initial_loss"] - checks["expected_initial_loss"])
checks["initial_loss_ok"] = gap < 0.25 * checks["expected_initial_loss"]
display(pd.DataFrame({"check": [key.replace("_", " ") for key in checks],
                     "value": [f"{v:.4g}" if isinstance(v, float) else str(v) for v in checks.values()]}))

# %%
figure = plots.loss_curve(net.history_, reference=checks["expected_initial_loss"], best_epoch=net.best_epoch_)
figure.axes[0].set_ylabel(head.loss_label(net))
run.save_figure(figure, "03_loss_curve")
figure

# %% [markdown]
# ## Can it memorise a tiny sample?
# With 32 training samples, no dropout and no weight decay, a working network reaches about
# 100% training accuracy (a regression network: training R² near 1). If it cannot, look for a
# bug before tuning anything.

# %%
tiny = head.memorise(X_train, y_train, params, run.seed, 32)
checks["overfit_tiny_sample_ok"] = tiny["passed"]
print(head.memorised(tiny))

# %% [markdown]
# ## Do the defaults matter? Adam against SGD with momentum
# Same network, seed, learning rate, epoch budget and early stopping as the starting network
# above; only the optimiser changes. The starting network is the run with its own optimiser, so
# the comparison costs one more fit. Above `scale.REFIT_ROWS` training rows both optimisers
# are fitted on the same recorded, stratified, seeded subsample of that size instead (two
# small fits rather than a second full one); the figure and the artifact say so.

# %%
X_compared, y_compared, compared_rows = run.take(X_train, y_train, REFIT_ROWS, "optimiser comparison fits")
reused = {} if compared_rows["subsampled"] else {params["optimizer"]: network}
print(describe(compared_rows))
optimizers = compare_optimizers(X_compared, y_compared, X_tune, y_tune, params, seed=run.seed, fitted=reused,
                                build=task.make_network)
for name, result in optimizers.items():
    print(f"{name:>5}: stopped after {result['stopped_epoch']} epoch(s); final training loss "
          f"{result['final_train_loss']:.4f}, final validation loss {result['final_val_loss']:.4f}, "
          f"best tune {head.validation_words} {result['best_val_score']:.4f}")

# %%
figure = plots.optimizer_curves(optimizers, reference=checks["expected_initial_loss"])
figure.axes[0].set_title(f"Optimisers compared: same network, up to {params['epochs']} epochs,\n"
                         "early stopping on the tune loss as in the main fit"
                         + (f"\nboth fitted on {compared_rows['rows']:,} of {compared_rows['of']:,} training rows"
                            if compared_rows["subsampled"] else ""), fontsize="medium")
run.save_figure(figure, "03_optimizers")
figure

# %% [markdown] tags=["image"]
# ## Does augmentation help? The same network with and without it, at equal budget
# Random flips, 90-degree rotations and a small intensity jitter (`image.augment`) show the
# network each training image in another orientation every epoch: a cell has no up or left.
# Both fits share the seed, epochs, early stopping and tune split; only augmentation differs.

# %%
extra = run.show(modality.architecture_checks(run.cfg, network, params, X_train, y_train, X_tune, y_tune, task,
                                              metric, run.seed))  # e.g. augmentation at equal budget

# %%
artifact = run.save_artifact(
    "03_architecture",
    {
        "modality": run.cfg.modality,
        "task": run.cfg.task,
        "architecture": modality.architecture,
        "transfer": transfer,
        "representation": modality.representation,
        "params": modality.recorded_params(run.cfg, params),
        "checks": checks,
        "early_stopping": {
            "monitor": "loss on the tune split",
            "patience": net.patience,
            "best_epoch": net.best_epoch_,
            "stopped_epoch": net.stopped_epoch_,
            "max_epochs": params["epochs"],
        },
        "overfit_tiny_sample": {k: v for k, v in tiny.items() if k != "history"},
        "optimizers": {name: {k: v for k, v in r.items() if k != "history"} for name, r in optimizers.items()},
        "optimizer_rows": compared_rows,
        "history": net.history_,
    },
)

# %% [markdown]
# ## Your conclusion
# *Is the network small enough for the number of samples? Did the loss start where it
# should and fall without jumps? Which optimiser would you keep, and what would you change
# before tuning?*
#
# …
