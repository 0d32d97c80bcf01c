# Two commands: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Debian packages: CJK fonts so Chinese renders (pages, PDF), and a browser for the UI tests.
RUN_DEBS  := fonts-noto-cjk fonts-wqy-microhei
TEST_DEBS := chromium $(RUN_DEBS)
LINT_DIR  := tests/cypher_lint

.PHONY: run test install test-deps clean

run: install
	scripts/system-deps.sh $(RUN_DEBS)
	$(BIN)/chainkg db start
	$(BIN)/chainkg schema apply
	$(BIN)/chainkg load
	$(BIN)/chainkg serve --port 8501

test: install test-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

# A stamp file makes a second `make install` a no-op until the requirements change.
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

test-deps: $(VENV)/.test-installed $(LINT_DIR)/node_modules/.installed
	scripts/system-deps.sh $(TEST_DEBS)

$(VENV)/.test-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(LINT_DIR)/node_modules/.installed: $(LINT_DIR)/package.json $(LINT_DIR)/package-lock.json
	command -v npm >/dev/null || scripts/system-deps.sh nodejs npm
	cd $(LINT_DIR) && npm ci --silent --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) $(LINT_DIR)/node_modules
