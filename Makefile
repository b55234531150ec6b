# Two commands on a fresh machine with Python 3.11 and pip:
#   make run    set up, then clean the sample articles in raw/ into clean/
#   make test   set up, then run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test eval train bench clean-output

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

# Benchmarks on corpora built from ../shared (figures in README).
bench: install
	$(BIN)/python -m pip install --quiet -e '.[redis]'
	$(BIN)/python -m bench.throughput --docs 10000 --html
	$(BIN)/python -m bench.dedup_bench
	$(BIN)/python -m bench.clean_speed

clean-output:
	rm -rf clean && mkdir clean && touch clean/.gitkeep
