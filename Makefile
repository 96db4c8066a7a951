.PHONY: run test lint bench
run:
	@scripts/run.sh

test:
	@scripts/test.sh

lint:
	@.venv/bin/ruff check companion tests bench && .venv/bin/mypy

bench:
	@for b in bench/*.py; do .venv/bin/python $$b; done
