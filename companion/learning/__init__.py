"""Learning as you go: translation history, My words (with their sentences), review, Anki.

Everything lives in the user's SQLite database (:mod:`companion.storage.db`, migration 3) and
is Qt-free, so the app, the CLI and the tests share one core:

- :mod:`companion.learning.history` -- every finished translation, searchable by Chinese,
  English or pinyin;
- :mod:`companion.learning.words` -- saved words and phrases with the sentence they came from;
- :mod:`companion.learning.review` -- fsrs scheduling of recognition and recall cards;
- :mod:`companion.learning.csv_io` and :mod:`companion.learning.anki` -- CSV and ``.apkg``.

Every call here blocks on the database: the GUI runs them through its TaskRunner.
"""
