"""Learning panels: History, My words and Review, each a self-contained widget.

Each takes its core object (:mod:`companion.learning`) and the app's TaskRunner; every
database call runs on the runner, never on the GUI thread. They follow changes made
elsewhere (another panel, the CLI in this process, a save from the popup) through
:mod:`companion.changes`.
"""
