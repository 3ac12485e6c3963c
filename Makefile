# Hopu ERP-CRM — the two commands:
#   make demo   set up everything, create the demo database, serve it on
#               http://127.0.0.1:8000/ (DB=postgresql://... for PostgreSQL)
#   make test   set up everything, check the code with flake8 and isort,
#               run every test on SQLite and PostgreSQL and in a headless
#               Chromium
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= sqlite
NAME ?= hopu_demo
LISTEN ?= 127.0.0.1:8000
SAO_VERSION := 8.0.11
# Debian packages the reports need: LibreOffice without a screen turns the
# report templates into PDF, with Chinese fonts embedded
REPORT_DEBS := libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk
# Debian packages the tests need besides: the browser and its driver, and
# poppler's pdftotext/pdffonts to read the PDF reports back
TEST_DEBS := chromium chromium-driver poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint install install-report-debs install-test-debs debs clean

demo: install install-report-debs
	$(BIN)/hopu demo --db "$(DB)" --name "$(NAME)" --listen "$(LISTEN)"

test: lint install-report-debs install-test-debs
	$(BIN)/hopu test

# The hygiene gate: flake8 and isort with Tryton's settings (.flake8,
# .isort.cfg) before any test
LINTED := addons hopu_cli tests bench
lint: install
	@$(BIN)/flake8 $(LINTED) || { \
		echo "make test: flake8 found the violations above; fix them" \
			"(no test was run)" >&2; exit 1; }
	@$(BIN)/isort --check-only --diff $(LINTED) || { \
		echo "make test: imports out of isort's order (see above);" \
			"run: $(BIN)/isort $(LINTED) (no test was run)" >&2; exit 1; }
	@echo "flake8 and isort: clean"

install: $(VENV)/.installed var/sao/.installed var/sao/custom.js var/sao/custom.css

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The web client (sao) from npm; its index.html loads node_modules/
# relative to itself, so its dependencies install inside its own folder.
var/sao/.installed: Makefile
	rm -rf var/sao var/sao-pack
	mkdir -p var/sao-pack
	cd var/sao-pack && npm pack --silent tryton-sao@$(SAO_VERSION)
	tar -xzf var/sao-pack/tryton-sao-$(SAO_VERSION).tgz -C var/sao-pack
	mv var/sao-pack/package var/sao
	rm -rf var/sao-pack
	cd var/sao && npm install --omit=dev --legacy-peer-deps --no-audit --no-fund --loglevel=error
	touch $@

var/sao/custom.%: web/custom.% var/sao/.installed
	cp $< $@

install-report-debs:
	@$(MAKE) --no-print-directory debs DEBS="$(REPORT_DEBS)" \
		APT_FLAGS=--no-install-recommends

install-test-debs:
	@$(MAKE) --no-print-directory debs DEBS="$(TEST_DEBS)"

debs:
	@missing=""; for p in $(DEBS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			$(APT_FLAGS) $$missing; \
	fi

clean:
	rm -rf var $(VENV) *.egg-info
