"""The Lens: an app's Chinese interface read in English, drawn in place over it.

Qt-free core, shared by the GUI overlay, the image viewer and ``python -m companion lens``:

- :mod:`companion.lens.labels` takes a label apart (counters, times, separators);
- :mod:`companion.lens.meaning` says what a label means (phrasebook, CC-CEDICT, then a
  translation engine for sentences) and where that meaning came from;
- :mod:`companion.lens.colors` samples a box's background and text colours from the pixels;
- :mod:`companion.lens.layout` holds the geometry: alignment, free room beside a box, fitting
  English into it, HiDPI and multi-screen placement;
- :mod:`companion.lens.reader` runs OCR and all of the above on one screen;
- :mod:`companion.lens.follow` decides what a new frame of a followed region needs re-read;
- :mod:`companion.lens.sentences` is the one door to sentence translation.
"""
