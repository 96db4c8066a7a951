"""A child process for the crash and concurrency tests: a burst of learning writes.

``python -m tests.learning_child DB PREFIX COUNT`` saves words, records translations and
answers reviews in a loop, and prints one line per write *after* it was committed:
``word <simplified>``, ``history <source>``, ``review <word id> <kind> <reps>``. The parent
kills it at random points and checks that every acknowledged write is still there.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    db_path, prefix, count = Path(argv[0]), argv[1], int(argv[2])
    import fsrs

    from companion.learning.history import History
    from companion.learning.review import Reviewer
    from companion.learning.words import WordList, WordToSave
    from companion.storage.db import Database

    db = Database(db_path)
    words = WordList(db)
    history = History(db, pinyin_of=lambda _text: "")
    reviewer = Reviewer(db, fsrs.Scheduler(enable_fuzzing=False))
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for k in range(count):
        simplified = f"{prefix}词{k}"
        words.save(WordToSave(simplified, pinyin="cí", senses=(f"word {k}",),
                              context=f"这是{simplified}的句子。"))  # fmt: skip
        out.write(f"word {simplified}\n")
        out.flush()
        source = f"{prefix}第{k}句话"
        history.record(source, f"sentence {k}", "zh", "en", "offline", "pasted")
        out.write(f"history {source}\n")
        out.flush()
        for card in reviewer.due_cards(2):
            state = reviewer.answer(card.word.id, card.kind, 1 + (k % 4))
            out.write(f"review {card.word.id} {card.kind} {state.reps}\n")
            out.flush()
    db.close()
    out.write("done\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
