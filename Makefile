# Two commands on a fresh machine: `make run` and `make test`. Each sets up what it needs,
# idempotently: the project's .venv (Python >= 3.11), Rasa's .venv-rasa (Python 3.10), and the
# NLU model (retrained only when nlu_data/ changed: its content hash is in the model's name).

SHELL := /bin/bash
VENV := .venv
RASA_VENV := .venv-rasa
APP_STAMP := $(VENV)/.installed
RASA_STAMP := $(RASA_VENV)/.installed-3.6.21

.PHONY: help envs setup model run test check bench bench-nlu crossval chat lock clean

help:
	@echo "make run    set up everything and start the bot (web chat on http://127.0.0.1:8000/chat)"
	@echo "make test   set up everything and run ruff, mypy, import-linter and pytest"
	@echo "make chat   talk to the bot in this terminal"
	@echo "make bench  print speed and memory figures (see docs/benchmarks.md)"
	@echo "make lock   refresh requirements/*.txt after changing pyproject.toml or requirements/rasa.in"
	@echo "make crossval  Rasa's 3-fold cross-validation of the NLU data (about an hour)"
	@echo "make clean  remove the environments, the trained models and var/"

envs: $(APP_STAMP) $(RASA_STAMP)

setup: envs model

$(APP_STAMP): pyproject.toml requirements/app.txt scripts/install-app scripts/bootstrap-uv
	@scripts/timed "set up the project environment $(VENV) from requirements/app.txt" \
		scripts/install-app $(VENV)

# Rasa's environment is installed by the uv of the project's environment, hence the order.
$(RASA_STAMP): $(APP_STAMP) requirements/rasa.txt scripts/install-rasa scripts/find-python310
	@scripts/timed "set up Rasa 3.6.21 in $(RASA_VENV) from requirements/rasa.txt" \
		scripts/install-rasa $(RASA_VENV)

model: envs
	@scripts/timed "NLU model" $(VENV)/bin/passerelle nlu train

# The bot serves at once; when the model for nlu_data/ is missing, it trains in the background
# and typed messages are understood from the moment it is loaded (buttons work before).
run: envs
	$(VENV)/bin/passerelle run $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

chat: envs
	$(VENV)/bin/passerelle chat

check: $(APP_STAMP)
	@scripts/timed "static checks (ruff, mypy, import-linter)" scripts/check

test: setup check
	@scripts/timed "Chromium for the browser tests" scripts/ensure-chromium
	@scripts/timed "docker-compose for the compose file's test" scripts/ensure-docker-compose
	@scripts/timed "pytest" scripts/test

lock: $(APP_STAMP)
	scripts/lock

bench: setup
	$(VENV)/bin/python -m benchmarks.bench
	$(VENV)/bin/python -m benchmarks.language_id

# Training time and intent accuracy of the pipelines in benchmarks/nlu_configs/, side by side.
bench-nlu: envs
	$(VENV)/bin/python -m benchmarks.nlu_pipelines benchmarks/nlu_configs/*.yml

# Three folds, not Rasa's default five: each fold trains a full model (ten to twenty minutes on
# two cores), and three already show which intents the data leaves confusable.
crossval: setup
	rm -rf var/crossval
	$(RASA_VENV)/bin/rasa test nlu --config nlu_data/config.yml --nlu nlu_data \
		--cross-validation --folds 3 --out var/crossval
	$(VENV)/bin/python -m benchmarks.crossval var/crossval

clean:
	rm -rf $(VENV) $(RASA_VENV) models var .mypy_cache .ruff_cache .pytest_cache
