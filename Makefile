# tracker: `make run` to try it, `make test` to prove it. Both set everything up on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PORT ?= 5000
# pytest-xdist workers: one per core by default
TEST_WORKERS ?= auto
# more pytest arguments, e.g. make test PYTEST_ARGS='-m browser'
PYTEST_ARGS ?=
# rounds of make flake-check
ROUNDS ?= 20

.PHONY: run test date-matrix flake-check install assets migrate demo bench lint clean

run: install assets migrate
	@$(FLASK) tracker demo --if-empty --quiet
	@PORT=$(PORT) FLASK="$(FLASK)" scripts/run-dev

# pytest exits 5 when it collected no tests: that is a failure too, and says so.
test: install assets
	@$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; exit 1; fi; exit $$status

# The date-sensitive tests as of several days (today, next Monday, a bank holiday, after each clock change, ...).
date-matrix: install assets
	$(BIN)/python scripts/date-matrix -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The browser and concurrency tests, ROUNDS times, beside `stress` keeping every core busy; failures per test.
flake-check: install assets
	$(BIN)/python scripts/flake-check --rounds $(ROUNDS) $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: static/.built

static/.built: node_modules/.installed $(wildcard assets/*)
	scripts/build-assets
	@touch $@

# Quietly: one line when the schema changed, not each migration's notes (`flask db upgrade` alone shows them).
migrate: install
	@$(FLASK) db upgrade -x quiet

demo: install migrate
	$(FLASK) tracker demo

bench: install assets
	$(BIN)/python benchmarks/bench.py

# The same checks run by pre-commit (.pre-commit-config.yaml); lint-imports enforces the layers in pyproject.toml.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python scripts/feature-imports tracker
	$(BIN)/bandit -q -r tracker -ll -c pyproject.toml
	$(BIN)/python scripts/audit-dependencies

clean:
	rm -rf $(VENV) node_modules static
