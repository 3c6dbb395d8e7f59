# Kindred: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-js lint lint-js format bench install install-dev migrate collectstatic clean crisis-model messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py seed_rooms

# Hashed, brotli- and gzip-compressed copies of static/ in staticfiles/: what WhiteNoise
# serves when DEBUG is off (with DEBUG on it reads static/ directly, so this is quick and harmless).
collectstatic: install
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py collectstatic --noinput --verbosity 0

run: migrate collectstatic
	DEBUG=$${DEBUG-1} $(BIN)/daphne -b $(HOST) -p $(PORT) \
		--websocket-max-message-size 65536 --websocket-max-frame-size 65536 --ping-interval 60 \
		kindred.asgi:application

# The browser client's lint and unit tests (Node from the OS packages; eslint from npm).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

lint-js: node_modules/.installed
	npx --no-install eslint static tests/js eslint.config.js

test-js: lint-js
	node --test tests/js/*.test.js

lint: install-dev lint-js
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-dev test-js
	$(BIN)/ruff check .
	DEBUG=$${DEBUG-1} $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev
	DEBUG=$${DEBUG-0} SECRET_KEY=$${SECRET_KEY-bench-only-secret-key} SECURE_COOKIES=0 $(BIN)/python -m bench.run $(BENCH_ARGS)

# Translations (docs/i18n.md): refresh every catalogue under locale/ from the templates,
# the Python and the browser client's gettext calls, then compile them. New strings
# arrive with an empty msgstr: translate them, run this again, commit .po and .mo
# (tests/test_i18n.py fails while a string is untranslated or a .mo is stale).
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests \
	--ignore=bench --ignore=docs --ignore=devserver
messages: install-dev
	DEBUG=1 $(BIN)/python manage.py makemessages --all --no-location --no-obsolete $(MESSAGES_IGNORE)
	DEBUG=1 $(BIN)/python manage.py makemessages --all -d djangojs --no-location --no-obsolete \
		$(MESSAGES_IGNORE) --ignore=static/kindred/sw.js --ignore=static/kindred/catalogs
	DEBUG=1 $(BIN)/python manage.py compilemessages $(MESSAGES_IGNORE)
	DEBUG=1 $(BIN)/python manage.py js_catalogs

# Retrain the stage-2 crisis model from crisis/data/corpus (training
# part only); deterministic, writes crisis/data/model.kcm.
crisis-model: install-dev
	$(BIN)/pip install --quiet -e '.[crisis-model]'
	$(BIN)/python -m crisis.model.train

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles node_modules
