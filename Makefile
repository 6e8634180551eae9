# kasane: `make run` serves the app with demo data on SQLite; `make test` runs ruff and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export KASANE_DEV ?= 1

.PHONY: run test install lint fonts migrate demo

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

# IPAex fonts make PDFs fast; without them PDFs embed the Noto CJK font installed from PyPI.
fonts:
	@if ! fc-list 2>/dev/null | grep -qi ipaex; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -qq fonts-ipaexfont-gothic >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq fonts-ipaexfont-gothic >/dev/null 2>&1)) \
	    || echo "IPAex フォントを導入できませんでした。PDF は PyPI の Noto CJK フォントで出力します。"; \
	  else echo "IPAex フォントがありません。PDF は PyPI の Noto CJK フォントで出力します。"; fi; \
	fi

migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py load_demo

run: install fonts demo
	@echo "kasane: http://127.0.0.1:$(PORT)/ （停止は Ctrl+C）"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The suite runs on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test: lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)
