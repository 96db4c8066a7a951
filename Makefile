.PHONY: run test lint bench package package-test
run:
	@scripts/run.sh

test:
	@scripts/test.sh

lint:
	@.venv/bin/ruff check companion tests bench packaging && .venv/bin/mypy

bench:
	@for b in bench/*.py; do .venv/bin/python $$b; done

# Installers (long proofs, not part of `make test`): see packaging/README.md.
# VARIANT=lite builds without OCR.
VARIANT ?= full
package:
	@packaging/package.sh $(VARIANT)

package-test:
	@packaging/package_test.sh
