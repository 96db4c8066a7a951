"""Translation engines behind one interface (see :mod:`companion.engines.base`)."""
