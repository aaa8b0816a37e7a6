# %% [markdown]
# # 03 · Architecture — representation, a small network, sanity checks
# **Tips 3 and 5** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# The measurements in a table have no natural order, so the representation is the scaled
# feature vector and the architecture a small multilayer perceptron (Tip 5). Start small
# (Tip 3): a few thousand weights, fixed seeds and deterministic algorithms, and checks that
# the network behaves before any tuning.
#
# **Checklist**
# - [ ] initial loss close to ln(number of classes) — the network starts unbiased
# - [ ] parameter count compared with the number of training samples
# - [ ] the training loss falls smoothly
# - [ ] the device and the seeds are recorded

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
import math

from {{ cookiecutter.module_name }} import plots
from {{ cookiecutter.module_name }}.evaluate import score_model
from {{ cookiecutter.module_name }}.nets import make_network, pick_device, seed_everything
from {{ cookiecutter.module_name }}.runs import Run

run = Run.open(run_dir, config, profile, overrides)
seed_everything(run.seed)
device = pick_device()
X_train, y_train = run.part("train")
X_tune, y_tune = run.part("tune")
spec = run.cfg.network
params = {
    "hidden": tuple(spec.hidden),
    "lr": spec.learning_rate,
    "batch_size": spec.batch_size,
    "dropout": spec.dropout,
    "optimizer": spec.optimizer,
    "epochs": run.budget.epochs,
    "device": device,
}
network = make_network(X_train, params, seed=run.seed).fit(X_train, y_train)
net = network.named_steps["model"]

# %%
n_classes = len(net.classes_)
checks = {
    "device": device,
    "seed": run.seed,
    "parameters": int(net.n_parameters_),
    "training_samples": len(y_train),
    "parameters_per_sample": net.n_parameters_ / len(y_train),
    "initial_loss": net.initial_loss_,
    "expected_initial_loss": math.log(n_classes),
    "final_train_loss": net.history_[-1]["train_loss"],
    "train_score": score_model(network, X_train, y_train),
    "tune_score": score_model(network, X_tune, y_tune),
}
checks["initial_loss_ok"] = abs(checks["initial_loss"] - checks["expected_initial_loss"]) < 0.25 * checks["expected_initial_loss"]
for key, value in checks.items():
    print(f"{key:>24}: {value:.4g}" if isinstance(value, float) else f"{key:>24}: {value}")

# %%
figure = plots.loss_curve(net.history_, reference=checks["expected_initial_loss"])
run.save_figure(figure, "03_loss_curve")
run.save_artifact("03_architecture", {"params": params, "checks": checks, "history": net.history_})
figure

# %% [markdown]
# ## Your conclusion
# *Is the network small enough for the number of samples? Did the loss start where it
# should and fall without jumps? What would you change before tuning?*
#
# …
