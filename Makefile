# cookiecutter-biodl — `make help` lists the targets.
PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
TEMPLATE    := {{cookiecutter.project_slug}}
CONSTRAINTS := $(TEMPLATE)/constraints.txt
DEMO        ?= demo
MODALITY    ?= tabular
PYTEST_ARGS ?=
# Debian packages the tests drive for real: a throwaway PostgreSQL server, a headless browser.
DEBIAN_PKGS := postgresql chromium chromium-driver
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help venv system demo test test-fast notebooks bench bench-scale clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements-dev.txt $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -c '$(CONSTRAINTS)' -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed ## create .venv with the template's tools and the project's pinned packages

system: ## install the Debian packages the tests need (PostgreSQL, Chromium and its driver)
	@missing=$$(for p in $(DEBIAN_PKGS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

demo: venv ## bake a project with defaults, install it, run all eight notebooks on the built-in data (MODALITY=sequence for FASTA)
	rm -rf '$(DEMO)' && mkdir -p '$(DEMO)'
	$(BIN)/cookiecutter --no-input . -o '$(DEMO)' modality='$(MODALITY)'
	$(MAKE) -C '$(DEMO)/my-lab-project' setup run PYTHON='$(PYTHON)'
	@echo
	@echo "Report: the executed notebooks, figures, artifacts and run.json are in"
	@echo "  $$(ls -d $(CURDIR)/$(DEMO)/my-lab-project/reports/runs/*/ | tail -n 1)"
	@echo "Open its index.html first (model card, DOME report and datasheet are linked from there)."

test: venv system ## run the template's tests (bakes projects, runs their tests and pipeline)
	$(BIN)/python -m pytest tests $(PYTEST_ARGS)

test-fast: venv system ## the tests without the slow end-to-end ones
	$(BIN)/python -m pytest tests -m "not slow" $(PYTEST_ARGS)

notebooks: venv ## rebuild the template's notebooks from notebooks-src/
	$(BIN)/python tools/build_notebooks.py

bench: venv ## runner overhead vs papermill/nbconvert, quick pipeline, network trainer vs skorch, tuning scale
	$(BIN)/python benchmarks/bench_runner.py
	$(BIN)/python benchmarks/bench_training.py

bench-scale: venv ## the quick pipeline at 1,000 / 10,000 / 100,000 rows beside a plain script (long: up to an hour)
	$(BIN)/python benchmarks/bench_scale.py

clean: ## remove the demo, caches and the venv
	rm -rf '$(DEMO)' $(VENV) .pytest_cache build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
