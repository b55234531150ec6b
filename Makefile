# Two commands on a fresh machine with Python 3.11 and pip:
#   make run    set up, then clean the sample articles in raw/ into clean/
#   make test   set up, then run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test eval clean-output

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
	$(BIN)/python ../shared/eval/extraction_eval.py --set aeb --mode text
	$(BIN)/python ../shared/eval/extraction_eval.py --set aeb --mode html

clean-output:
	rm -rf clean && mkdir clean && touch clean/.gitkeep
