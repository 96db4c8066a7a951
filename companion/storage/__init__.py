"""On-disk state: one SQLite database (WAL) with numbered migrations."""
