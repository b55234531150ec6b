# Two commands on a fresh machine with Python 3.11 and pip:
#   make run    set up, then clean the sample articles in raw/ into clean/
#   make test   set up, then run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test eval train bench bench-datatrove-env clean-output

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/luigi --module tasks CleanCorpus --raw-dir raw --clean-dir clean --workers 2

test: install
	$(BIN)/python -m pytest

# Extraction accuracy on the shared benchmark pages (needs ../shared).
eval: install
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python ../shared/eval/extraction_eval.py --set aeb --mode text
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python ../shared/eval/extraction_eval.py --set aeb --mode html
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python ../shared/eval/extraction_eval.py --set wcxb-dev --mode text
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python ../shared/eval/extraction_eval.py --set wcxb-dev --mode html

# Retrain the shipped line and spam models from ../shared (fixed seeds).
train: install
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(BIN)/python -m bench.train_boilerplate
	$(BIN)/python -m bench.train_spam
	$(BIN)/python -m bench.extraction_heldout --mode text
	$(BIN)/python -m bench.extraction_heldout --mode html
	$(BIN)/python -m bench.spam_eval

# Benchmarks on corpora built from ../shared (figures in README; about two
# hours on 2 cores, most of it datatrove on the 100k corpus).
bench: install bench-datatrove-env
	$(BIN)/python -m pip install --quiet -e '.[redis]'
	$(BIN)/python -m bench.throughput --docs 10000 --html --repeat 3 --export --datatrove-python $(DATATROVE_VENV)/bin/python
	$(BIN)/python -m bench.throughput --docs 100000 --datatrove-python $(DATATROVE_VENV)/bin/python
	$(BIN)/python -m bench.published_memory
	$(BIN)/python -m bench.dedup_bench
	$(BIN)/python -m bench.clean_speed
	$(BIN)/python -m bench.shard_warmth

# datatrove, for the throughput benchmark's side-by-side figure, in a venv of
# its own: its processing extra pins trafilatura < 1.12, this project needs 2.x.
DATATROVE_VENV ?= .venv-datatrove
bench-datatrove-env: $(DATATROVE_VENV)/.installed

$(DATATROVE_VENV)/.installed:
	$(PYTHON) -m venv $(DATATROVE_VENV)
	$(DATATROVE_VENV)/bin/python -m pip install --quiet 'datatrove[processing]==0.10.1' 'orjson>=3.9' 'spacy>=3.7,<4'
	touch $@

clean-output:
	rm -rf clean && mkdir clean && touch clean/.gitkeep
