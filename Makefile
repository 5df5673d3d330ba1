# The two commands a newcomer needs: `make run` and `make test`.
PY := .venv/bin/python
VENV_STAMP := .venv/.installed
VENDOR := vocsvc/web/static/vendor
ECHARTS := $(VENDOR)/echarts.min.js
TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test lint typecheck test-sqlite test-postgres test-browser browser-deps postgres bench bench-deps clean

install: $(VENV_STAMP) $(ECHARTS)

# Front-end libraries: pinned in package-lock.json, fetched by `npm ci`, copied into the package
# (gitignored) so the wheel carries them and the page loads nothing from a CDN.
$(ECHARTS): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/echarts/dist/echarts.min.js $(ECHARTS)
	cp node_modules/echarts/LICENSE $(VENDOR)/echarts.LICENSE.txt

# Root is needed only when the machine lacks python3-venv; then apt installs it.
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

$(VENV_STAMP): pyproject.toml
	@python3 -m venv --help >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq python3-venv python3-pip; }
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV_STAMP)

# A fixed key for the local demo only; set VOCSVC_ADMIN_KEY to anything secret in real use.
DEMO_ADMIN_KEY ?= voc_demo_local_admin_key

run: install
	VOCSVC_ADMIN_KEY=$${VOCSVC_ADMIN_KEY:-$(DEMO_ADMIN_KEY)} $(PY) -m vocsvc demo --if-empty
	@echo "admin key for the demo: $${VOCSVC_ADMIN_KEY:-$(DEMO_ADMIN_KEY)}"
	VOCSVC_ADMIN_KEY=$${VOCSVC_ADMIN_KEY:-$(DEMO_ADMIN_KEY)} $(PY) -m vocsvc serve --host 127.0.0.1 --port 8000

lint: install
	.venv/bin/ruff check vocsvc tests bench
	.venv/bin/ruff format --check vocsvc tests bench
	.venv/bin/lint-imports

typecheck: install
	.venv/bin/mypy vocsvc

test-sqlite: install
	VOCSVC_TEST_DATABASE_URL=sqlite $(PY) -m pytest -q -m "not browser" -p no:cacheprovider

# The fuzz test (tests/security/test_fuzz.py) gets a fresh schema of its own on this server too.
test-postgres: install postgres
	VOCSVC_TEST_DATABASE_URL=$(TEST_PG_URL) VOCSVC_FUZZ_DATABASE_URL=$(TEST_PG_URL) \
	  $(PY) -m pytest -q -m "not browser" -p no:cacheprovider

# CJK and emoji fonts: without them Chinese text and customers' emoji render as boxes.
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji
browser-deps:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq $(BROWSER_PACKAGES) >/dev/null; }

test-browser: install browser-deps
	VOCSVC_TEST_DATABASE_URL=sqlite $(PY) -m pytest -q -m browser -p no:cacheprovider

postgres:
	@command -v pg_ctlcluster >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq postgresql >/dev/null; }
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || { \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

test: lint typecheck test-sqlite test-postgres test-browser

# wrk: the ingest bench's server-bound load (bench/wrk_load.py).
bench-deps:
	@command -v wrk >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq wrk >/dev/null; }

bench: install postgres bench-deps
	$(PY) bench/analytics.py
	$(PY) bench/sentiment.py
	$(PY) bench/ingest.py
	$(PY) bench/fuzz.py

clean:
	rm -rf .venv node_modules $(VENDOR) var/*.db .mypy_cache .ruff_cache
