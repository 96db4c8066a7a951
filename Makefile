.PHONY: run test lint bench package package-test
run:
	@scripts/run.sh

test:
	@scripts/test.sh

lint:
	@.venv/bin/ruff check companion tests bench packaging && .venv/bin/mypy

# Every bench prints its table with the aims beside the figures; BENCH="startup translate"
# runs some of them. The run goes on past a bench that misses an aim and names them at the end.
BENCH ?= $(sort $(basename $(notdir $(wildcard bench/*.py))))
bench:
	@failed=""; for b in $(BENCH); do \
	  echo "==== bench/$$b.py"; .venv/bin/python bench/$$b.py || failed="$$failed $$b"; echo; \
	done; \
	if [ -n "$$failed" ]; then echo "benches that did not pass:$$failed"; exit 1; fi; \
	echo "every bench passed"

# Installers (long proofs, not part of `make test`): see packaging/README.md.
# VARIANT=lite builds without OCR.
VARIANT ?= full
package:
	@packaging/package.sh $(VARIANT)

package-test:
	@packaging/package_test.sh
