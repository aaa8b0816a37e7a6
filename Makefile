# cookiecutter-biodl — `make help` lists the targets.
PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
TEMPLATE    := {{cookiecutter.project_slug}}
CONSTRAINTS := $(TEMPLATE)/constraints.txt
MODALITY    ?= tabular
TASK        ?= classification
DEMO        ?= demo-$(MODALITY)$(if $(filter regression,$(TASK)),-regression)
PYTEST_ARGS ?=
# Debian packages the tests drive for real: a throwaway PostgreSQL server, a headless browser,
# a throwaway single-node Slurm cluster (controller, node daemon, sbatch/squeue/scancel).
DEBIAN_PKGS := postgresql chromium chromium-driver slurmctld slurmd slurm-client
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help venv system bake demo test test-fast notebooks manifest api bench bench-scale clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements-dev.txt $(CONSTRAINTS)
	@echo "creating $(VENV) with the pinned packages (one environment for the tools, the tests and the demo; a few minutes the first time) …"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c '$(CONSTRAINTS)' -r requirements-dev.txt \
		> $(VENV)/install.log 2>&1 || { tail -n 30 $(VENV)/install.log; echo "installing failed; the whole log is in $(VENV)/install.log"; exit 1; }
	@echo "  done ($(VENV)/install.log has the installer's output)"
	@touch $@

venv: $(VENV)/.installed ## create .venv with the template's tools and the project's pinned packages

system: ## install the Debian packages the tests need (PostgreSQL, Chromium and its driver, Slurm)
	@missing=$$(for p in $(DEBIAN_PKGS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

bake: venv ## bake a project, answers checked first (one sentence, no traceback): make bake ARGS='--no-input modality=sequence'
	$(BIN)/python tools/bake.py $(ARGS)

demo: venv ## bake a project with defaults into demo-<modality>/ and run all eight notebooks in the one .venv (MODALITY=sequence|image, TASK=regression)
	@rm -rf '$(DEMO)' && mkdir -p '$(DEMO)'
	@echo "baking a $(MODALITY) project into $(DEMO)/ …"
	@$(BIN)/cookiecutter --no-input . -o '$(DEMO)' modality='$(MODALITY)' task='$(TASK)' > '$(DEMO)/bake.log'
	@echo "running the eight notebooks with $(VENV) (no second environment: it already holds every package the project pins) …"
	@cd '$(DEMO)/my-lab-project' && PYTHONPATH=src PYTHONHASHSEED=0 '$(abspath $(BIN))/python' -m my_lab_project run
	@echo
	@echo "Open $$(ls -d $(CURDIR)/$(DEMO)/my-lab-project/reports/runs/*/ | tail -n 1)index.html first (model card, DOME report and datasheet are linked from there)."

test: venv system ## run the template's tests (bakes projects, runs their tests and pipeline)
	$(BIN)/python -m pytest tests $(PYTEST_ARGS)

test-fast: venv system ## the tests without the slow end-to-end ones
	$(BIN)/python -m pytest tests -m "not slow" $(PYTEST_ARGS)

notebooks: venv ## rebuild the template's notebooks from notebooks-src/
	$(BIN)/python tools/build_notebooks.py

manifest: ## rewrite the engine's sha256 manifest after changing an engine file (a project's `check` compares against it)
	$(PYTHON) tools/engine_manifest.py

api: venv ## rewrite the baked project's API.md from the engine's api.py and docstrings (after changing either)
	$(BIN)/python tools/api_page.py

bench: venv ## runner overhead vs papermill/nbconvert, quick pipeline, network trainer vs skorch, tuning scale, storages, image trainer vs DataLoader
	$(BIN)/python benchmarks/bench_runner.py
	$(BIN)/python benchmarks/bench_models.py
	$(BIN)/python benchmarks/bench_tuning.py
	$(BIN)/python benchmarks/bench_image.py

bench-scale: venv ## the quick pipeline at 1,000 / 10,000 / 100,000 rows beside a plain script (long: up to an hour)
	$(BIN)/python benchmarks/bench_scale.py

clean: ## remove the demos, caches and the venv
	rm -rf demo-tabular demo-sequence demo-image demo-*-regression '$(DEMO)' $(VENV) .pytest_cache build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
