# Two commands: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Debian packages: CJK fonts so Chinese renders (pages, PDF), and a browser for the UI tests.
RUN_DEBS  := fonts-noto-cjk fonts-wqy-microhei
TEST_DEBS := chromium $(RUN_DEBS)
LINT_DIR  := tests/cypher_lint
# The local Neo4j server (CHAINKG_ENGINE=neo4j): a Java launcher and Neo4j's jars from Maven Central.
NEO4J_DIR  := graph/neo4j_launcher
NEO4J_DEBS := openjdk-17-jdk-headless maven

.PHONY: run test install bytecode neo4j test-deps clean

run: install bytecode $(if $(filter neo4j,$(CHAINKG_ENGINE)),neo4j)
	scripts/system-deps.sh $(RUN_DEBS)
	$(BIN)/chainkg db start
	$(BIN)/chainkg schema apply
	$(BIN)/chainkg load
	$(BIN)/chainkg serve --port 8501

# Two workers (pytest-xdist), each with its own servers; a module's tests stay on one worker.
TEST_WORKERS ?= 2

test: install bytecode neo4j test-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

install: $(VENV)/.installed

# A stamp file makes a second `make install` a no-op until the requirements change.
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

# The project's own bytecode, written once: where PYTHONDONTWRITEBYTECODE is set (as on the
# CI machines) Python would compile every module of ours at each start, 0.3 s more for
# each `chainkg` command, app server and test worker. Only what changed is rewritten.
bytecode: install
	$(BIN)/python -m compileall -q -x '/(\.venv|node_modules)/' .

neo4j: $(NEO4J_DIR)/target/.built $(NEO4J_DIR)/target/neo4j-classes.jsa

$(NEO4J_DIR)/target/.built: $(NEO4J_DIR)/pom.xml $(wildcard $(NEO4J_DIR)/src/main/java/chainkg/*.java)
	command -v mvn >/dev/null && command -v javac >/dev/null || scripts/system-deps.sh $(NEO4J_DEBS)
	cd $(NEO4J_DIR) && mvn -q -B package || { echo "无法构建 Neo4j：请检查能否访问 Maven Central，再执行 make neo4j / cannot build Neo4j: check that Maven Central is reachable, then run make neo4j" >&2; exit 1; }
	touch $@

# Class data sharing: the classes of a trained start, mapped by every later start.
$(NEO4J_DIR)/target/neo4j-classes.jsa: $(NEO4J_DIR)/target/.built | install
	scripts/neo4j-classes.sh $@

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
	rm -rf $(VENV) $(LINT_DIR)/node_modules $(NEO4J_DIR)/target
