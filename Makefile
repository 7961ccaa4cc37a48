# DigiWard: one command for the demo, one for the tests.
#   make demo      set up everything and serve the demo on http://127.0.0.1:8000
#   make test      the whole test suite on SQLite
#   make test-pg   the whole test suite on PostgreSQL (DATABASE_URL, default the local server)
#   make lint      ruff (incl. security rules), mypy, Django checks, migrations, translations
#   make audit     pip-audit on every pinned dependency
#   make bench     the benchmarks (figures go to docs/benchmarks.md by hand)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check -q
DIGIWARD := $(BIN)/digiward
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2

.PHONY: demo serve test test-pg test-browser lint audit api-fuzz format bench translations messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "DigiWard needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.runtime: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install -c constraints.txt -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PIP) install -c constraints.txt -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

translations: $(VENV)/.runtime
	@$(DIGIWARD) compile_translations -v0 > /dev/null

demo: $(VENV)/.runtime translations
	$(DIGIWARD) migrate --noinput -v0
	$(DIGIWARD) load_units
	$(DIGIWARD) load_procedures
	$(DIGIWARD) load_frameworks
	$(DIGIWARD) seed_demo --commune 31135
	$(DIGIWARD) collectstatic --noinput -v0
	@scripts/serve-demo.sh

serve: $(VENV)/.runtime translations
	@scripts/serve.sh

test: $(VENV)/.dev translations node_modules/.installed
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test-pg: $(VENV)/.dev translations node_modules/.installed
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	DIGIWARD_ENV=test $(DIGIWARD) check --fail-level WARNING
	DIGIWARD_ENV=test $(DIGIWARD) makemigrations --check --dry-run
	$(DIGIWARD) compile_translations --check -v0 > /dev/null

api-fuzz: $(VENV)/.dev translations
	@scripts/api-fuzz.sh

audit:
	@scripts/audit-dependencies.sh

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(VENV)/.dev
	$(DIGIWARD) makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=tools

bench: $(VENV)/.dev translations
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules var/static var/test_*.sqlite3*
