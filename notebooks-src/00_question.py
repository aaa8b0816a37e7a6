# %% [markdown]
# # 00 · The question — is deep learning the right tool here?
# **Tips 1 and 4** of Lee et al. (2022), *Ten quick tips for deep learning in biology*,
# PLoS Comput Biol 18(3): e1009803.
#
# Before any model is trained, write down the question and check whether the data could
# support a deep network at all. The paper's rough floor is about 100 samples per class
# (Tip 1); networks usually need orders of magnitude more, so many biological tables are
# better served first by classical models.
#
# **Checklist**
# - [ ] `study.question` and `study.hypothesis` in `lab.yaml` say what you want to learn
# - [ ] samples per class compared with the ~100-per-class floor
# - [ ] samples compared with the number of features, and the class imbalance ratio
# - [ ] independent samples counted (groups, if `data.group_column` is set)
# - [ ] the recommendation below read and your decision written down

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
import pandas as pd

from {{ cookiecutter.module_name }}_engine.runner.runs import Run

run = Run.open(run_dir, config, profile, overrides)
data = run.data
print(f"Question:   {run.cfg.study.question}")
print(f"Hypothesis: {run.cfg.study.hypothesis or '(not stated — add study.hypothesis to lab.yaml)'}")

# %% [markdown]
# ## What the data allow

# %% tags=["classification"]
from {{ cookiecutter.module_name }}_engine.tasks.classification.question import assess_suitability

n_groups = None if data.groups is None else len(set(data.groups))
assessment = assess_suitability(
    data.y, data.n_features, run.cfg.modality, floor=run.cfg.thresholds.samples_per_class, n_groups=n_groups
)
print(assessment["summary"])
pd.DataFrame(
    {
        "samples": pd.Series(assessment["samples_per_class"]),
        "below the floor": pd.Series(assessment["samples_per_class"]) < run.cfg.thresholds.samples_per_class,
    }
).rename_axis("class")

# %% tags=["classification"]
from {{ cookiecutter.module_name }}_engine.figures import plots

figure = plots.class_balance_bar(assessment["samples_per_class"], floor=run.cfg.thresholds.samples_per_class)
run.save_figure(figure, "00_class_balance")
figure

# %% [markdown] tags=["regression"]
# For a number, Tip 1's floor counts samples, not samples per class. The target's own
# distribution matters as much: a few very large values pull a squared-error fit towards them
# (a log scale may help), outliers deserve a look in the lab records, and a target that is mostly
# zero asks two questions. The network's size is compared with the samples it learns from.

# %% tags=["regression"]
from {{ cookiecutter.module_name }}_engine.models.network_plan import starting_parameter_count, starting_params
from {{ cookiecutter.module_name }}_engine.tasks.regression.plots import target_histogram
from {{ cookiecutter.module_name }}_engine.tasks.regression.profile import assess_regression_suitability

n_groups = None if data.groups is None else len(set(data.groups))
n_parameters = starting_parameter_count(data.X, starting_params(run.cfg, run.root))  # one output: the number
assessment = assess_regression_suitability(
    data.y, data.n_features, n_parameters, run.cfg.modality, floor=run.cfg.thresholds.samples_per_class,
    n_groups=n_groups,
)
print(assessment["summary"])
pd.Series(assessment["target"]).to_frame(run.cfg.data.target)

# %% tags=["regression"]
figure = target_histogram(data.y, assessment["target"], run.cfg.data.target)
run.save_figure(figure, "00_target_distribution")
figure

# %%
run.save_artifact(
    "00_question",
    {
        "question": run.cfg.study.question,
        "hypothesis": run.cfg.study.hypothesis,
        "data": run.cfg.data.path,
        "modality": run.cfg.modality,
        "task": run.cfg.task,
        "recommendation": assessment["recommendation"],
        "summary": assessment["summary"],
        "assessment": assessment,
    },
)
print(f"Recommendation: {assessment['recommendation']}")
for reason in assessment["reasons"]:
    print(f"  - {reason}")

# %% [markdown] tags=["image"]
# ## Images per class, size and channels
# For images the ~100-per-class floor counts images (all of them, for a numeric target); every image is many pixels, so the pixels
# per sample above overstate what a convolutional network, which shares its filters across the
# image, must learn. With few images, augmentation (flips, rotations) and transfer learning from
# a local pretrained network (`image.pretrained_weights`) are the usual remedies. The built-in
# images are simulated (generator and settings in `data/manifest.yaml`), not microscopy.

# %% tags=["image"]
from {{ cookiecutter.module_name }}_engine.modalities.image.features import image_overview

images = image_overview(data.image_info, data.y, run.cfg.thresholds.samples_per_class)
few = bool(images["below_floor"])
images["recommendation"] = (
    f"few images in {', '.join(images['below_floor'])}: keep augmentation on (image.augment) and consider a "
    "local pretrained ResNet-18 (image.pretrained_weights)" if few else
    "enough images for a small CNN trained from scratch, with augmentation measured in notebook 03")
print(f"{sum(images['images_per_class'].values())} images of {images['size']} pixels, {images['channels']} "
      f"channel(s), {'/'.join(map(str, images['bit_depth']))}-bit, size policy {images['size_policy']} "
      f"(sizes seen: {', '.join(images['sizes_seen'])}); counted against the floor: {images['images_per_class']}")
print(f"Images: {images['recommendation']}")
for item in data.image_info.get("warnings", []):
    print(f"warning ({item['check']}): {item['message']}")
run.save_artifact("00_images", images)

# %% [markdown]
# ## Your conclusion
# *Is deep learning worth trying on these data, or should classical models carry the study?
# What would change your mind (more samples, another modality, a pretrained model)?*
#
# …
