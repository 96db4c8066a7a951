# The OCR-less ("lite") build: OCR's own error message points at pip, which means nothing to
# someone who installed an app, so say what is true here instead.
import companion.bundle
import companion.ocr

companion.ocr.INSTALL_HINT = companion.bundle.OCR_MISSING
