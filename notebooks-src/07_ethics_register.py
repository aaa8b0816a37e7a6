# %% [markdown]
# # 07 · Ethics register — concerns raised, tracked and resolved
# **Tip 10** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# The paper suggests keeping an ethics register the way software projects keep an issue
# tracker: concerns are raised, owned, discussed and closed. This study's register is
# `ethics/register.yaml`; entries that block release must be resolved before the model is
# shared.
#
# **Checklist**
# - [ ] every open entry has an owner
# - [ ] entries that block release are resolved before the model or its weights leave the lab
# - [ ] `data.sensitive` in `lab.yaml` is set truthfully

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
from {{ cookiecutter.module_name }}.ethics import blocking_entries, load_register, open_entries, register_table
from {{ cookiecutter.module_name }}.runs import Run

run = Run.open(run_dir, config, profile, overrides)
register = load_register(run.root / "ethics" / "register.yaml")
table = register_table(register)
table

# %%
still_open = open_entries(register)
blocking = blocking_entries(register)
run.save_artifact(
    "07_ethics_register",
    {
        "sensitive_data": run.cfg.data.sensitive,
        "entries": len(register),
        "open": [entry.model_dump(mode="json") for entry in still_open],
        "blocking": [entry.id for entry in blocking],
    },
)
print(f"{len(register)} entries; {len(still_open)} open; {len(blocking)} blocking release")
for entry in blocking:
    print(f"  blocks release: {entry.id} — {entry.title} (owner: {entry.owner})")
if run.cfg.data.sensitive:
    print("data.sensitive is true: trained weights must not leave the lab without a resolved entry allowing it")

# %% [markdown]
# ## Your conclusion
# *Who could be harmed if this model is wrong, or used outside the population it was trained
# on? What must happen before it is shared?*
#
# …
