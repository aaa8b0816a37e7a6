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
from {{ cookiecutter.module_name }}_engine import Run

run = Run.open(run_dir, config, profile, overrides)
data = run.data
print(f"Question:   {run.cfg.study.question}")
print(f"Hypothesis: {run.cfg.study.hypothesis or '(not stated — add study.hypothesis to lab.yaml)'}")

# %% [markdown]
# ## What the data allow

# %% [markdown] tags=["regression"]
# For a number, Tip 1's floor counts samples, not samples per class. The target's own
# distribution matters as much: a few very large values pull a squared-error fit towards them
# (a log scale may help), outliers deserve a look in the lab records, and a target that is mostly
# zero asks two questions. The network's size is compared with the samples it learns from.

# %%
question = run.task.question  # what Tip 1 counts for this task: samples per class, or samples and the target
assessment = question.assess(data, run.cfg, run.root, run.modality)
print(assessment["summary"])
question.table(assessment, run.cfg)

# %%
name, figure = question.figure(assessment, data, run.cfg)
run.save_figure(figure, name)
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

# %%
overview = run.show(run.modality.overview(data, run.cfg, run.task))  # what this kind of data adds to Tip 1

# %% [markdown]
# ## Your conclusion
# *Is deep learning worth trying on these data, or should classical models carry the study?
# What would change your mind (more samples, another modality, a pretrained model)?*
#
# …
