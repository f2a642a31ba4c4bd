# The two commands a newcomer needs:  make demo   and   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FLASK  := $(BIN)/flask --app peerreview
PYTEST := $(BIN)/python -m pytest
# one test process per core; PYTEST_WORKERS=0 runs in a single process (easier to debug)
PYTEST_WORKERS ?= auto
XDIST  := $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadgroup)

.PHONY: install demo serve test test-sqlite test-postgresql bench load lint clean translations

# The editable install of a flat layout makes setuptools print a warning about folders named
# like the package; there is nothing to act on, so it is silenced.
$(STAMP): setup.cfg pyproject.toml tests/browser/package-lock.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e '.[dev]'
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm is not installed: the browser tests' accessibility audit (axe-core) is not installed"; \
	fi
	@touch $(STAMP)

# The compiled catalogs (.mo) are built from the .po files by the install and are not kept in
# git: each .mo is rebuilt whenever its .po changes, so a fresh clone shows every language.
LANGS    := en fr de es it nl pl el
I18N_DIR := peerreview/translations
POT      := $(I18N_DIR)/messages.pot
PO_FILES := $(wildcard $(I18N_DIR)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(I18N_DIR)/%/LC_MESSAGES/messages.mo: $(I18N_DIR)/%/LC_MESSAGES/messages.po $(STAMP)
	@$(BIN)/pybabel compile --statistics -i $< -o $@ -l $*

install: $(STAMP) $(MO_FILES)

# Extract every text (templates and Python, see babel.cfg) into messages.pot, then bring each
# language's catalog up to date (a new language gets a new catalog), then compile them.
translations: $(STAMP)
	$(BIN)/pybabel -q extract --add-comments=Translators: -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
		--sort-by-file --no-wrap --project=peerreview --copyright-holder="peerreview contributors" \
		-o $(POT) .
	@for lang in $(LANGS); do \
		if [ -f $(I18N_DIR)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel -q update --no-fuzzy-matching --no-wrap -i $(POT) -d $(I18N_DIR) -l $$lang; \
		else \
			$(BIN)/pybabel -q init --no-wrap -i $(POT) -d $(I18N_DIR) -l $$lang; \
		fi; \
	done
	$(BIN)/pybabel compile --statistics -d $(I18N_DIR)
	$(BIN)/python -m peerreview.i18n_check || true

# A laptop configuration with a random secret key; never overwritten once it exists.
instance/config.py:
	@mkdir -p instance
	@printf '# Written by make demo for local use. See config.example.py.\nSECRET_KEY = "%s"\nENVIRONMENT = "development"\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')" > $@
	@echo "Wrote $@ (development settings, random secret key)"

demo: install instance/config.py
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo
	@echo "Serving on http://127.0.0.1:5000  (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port 5000

serve: install instance/config.py
	$(FLASK) run --host 127.0.0.1 --port 5000

# The whole suite on SQLite, then on PostgreSQL (127.0.0.1:5432, or PEERREVIEW_TEST_PG_URL).
# Both always run; the target fails at the end if either failed.
test: install
	@status=0; \
	$(PYTEST) $(XDIST) --db=sqlite $(PYTEST_ARGS) || status=1; \
	$(PYTEST) $(XDIST) --db=postgresql $(PYTEST_ARGS) || status=1; \
	if [ $$status -ne 0 ]; then echo "make test: FAILED (see above: SQLite, PostgreSQL or both)"; fi; \
	exit $$status

test-sqlite: install
	$(PYTEST) $(XDIST) --db=sqlite $(PYTEST_ARGS)

test-postgresql: install
	$(PYTEST) $(XDIST) --db=postgresql $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

# Load test: gunicorn (4 workers) under locust on loopback, on SQLite then PostgreSQL; needs
# Redis on 127.0.0.1:6379 (login rate limiter). Writes bench/load-results.json.
# A quick run: make load LOAD_SECONDS=10 LOAD_USERS=10
LOAD_SECONDS ?= 60
LOAD_USERS   ?= 50
load: install
	@$(BIN)/python -c 'import locust' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[dev,load]'
	$(BIN)/python -m bench.load --seconds $(LOAD_SECONDS) --users $(LOAD_USERS)

lint: install
	$(BIN)/ruff check peerreview tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts bench/results.json bench/load-results.json
