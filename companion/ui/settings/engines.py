"""Settings > Engines: preferred engine, "offline only", per-engine options and API keys.

Keys go straight to the OS keychain (never into settings). Every keychain call and every
"Test connection" runs on the task layer's network pool: the keychain may be slow or prompt
to unlock, and a network test can take seconds, so the dialog never freezes.

A problem with the chosen engine (no keychain, a locked one, no key yet) is said once, at the
top where the engine is chosen, not in every translation. Everything sits in a scroll area
with word-wrapped labels, so no text overlaps at any window size.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.engines.registry import (
    ONLINE_ENGINES,
    EngineSpec,
    engine_options,
    engine_specs,
    option_problem,
    save_engine_options,
)
from companion.settings import Settings
from companion.ui.tasks import TaskRunner

_log = logging.getLogger(__name__)

TEST_TIMEOUT = 10.0  # seconds per wait, and for the whole test request
TEST_SAMPLE = "你好，很高兴认识你！"
WARNING_STYLE = (
    "QLabel { background: #fff4e0; color: #4a3000; border: 1px solid #e0a040; "
    "border-radius: 4px; padding: 6px; }"
)


def _key_state() -> dict[str, bool] | str:
    """Which engines have a key, or the keychain's problem in plain words."""
    from companion import secrets

    try:
        status = secrets.backend_status()
        if not status.usable:
            return status.message
        return {name: secrets.has_key(name) for name in ONLINE_ENGINES}
    except secrets.SecretsError as exc:
        return str(exc)
    except Exception as exc:  # a backend bug: its own text may be anything
        _log.warning("keychain state unreadable", exc_info=True)
        return f"the system keychain could not be read ({type(exc).__name__})"


def _test_connection(name: str, options: dict[str, str], typed_key: str) -> str:
    from companion import secrets
    from companion.engines.registry import engine_from_options

    key: Any = typed_key or (lambda: secrets.get_key(name))
    engine = engine_from_options(name, options, key, timeout=TEST_TIMEOUT, deadline=TEST_TIMEOUT)
    out = engine.translate_batch([TEST_SAMPLE], "zh", "en")
    return out[0]


def _plain_error(exc: object) -> str:
    """An exception from a worker as words we wrote, never a backend's raw text."""
    from companion.engines.base import EngineError
    from companion.scrubber import clean
    from companion.secrets import SecretsError

    if isinstance(exc, (EngineError, SecretsError, ValueError)):
        return clean(exc)
    return type(exc).__name__


def _wrapped(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _form(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


class EnginePanel(QWidget):
    """Options, key buttons and connection test for one online engine."""

    def __init__(self, page: EngineSettingsPage, spec: EngineSpec, parent: QWidget) -> None:
        super().__init__(parent)
        self.page = page
        self.spec = spec
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        options_box = QGroupBox(f"{spec.label} options", self)
        form = _form(options_box)
        stored = engine_options(page.settings, spec.name)
        self.fields: dict[str, QLineEdit] = {}
        for option in spec.options:
            edit = QLineEdit(stored.get(option.key, ""), options_box)
            edit.setPlaceholderText(option.placeholder)
            edit.setMinimumWidth(120)
            if option.help:
                edit.setToolTip(option.help)
            edit.textChanged.connect(self._validate)
            form.addRow(option.label, edit)
            self.fields[option.key] = edit
        self.option_error = _wrapped("", options_box)
        self.option_error.hide()
        form.addRow(self.option_error)
        layout.addWidget(options_box)

        key_box = QGroupBox("API key (kept in the system keychain)", self)
        key_layout = QVBoxLayout(key_box)
        self.key_status = _wrapped("Checking the keychain…", key_box)
        key_layout.addWidget(self.key_status)
        key_layout.addWidget(_wrapped(spec.key_help, key_box))
        self.key_edit = QLineEdit(key_box)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("paste the key here")
        self.key_edit.textChanged.connect(self._update_buttons)
        key_layout.addWidget(self.key_edit)
        buttons = QHBoxLayout()
        self.save_key_button = QPushButton("Set key", key_box)
        self.delete_key_button = QPushButton("Delete key", key_box)
        self.test_button = QPushButton("Test connection", key_box)
        for button in (self.save_key_button, self.delete_key_button, self.test_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        key_layout.addLayout(buttons)
        self.test_result = _wrapped("", key_box)
        self.test_result.hide()
        key_layout.addWidget(self.test_result)
        layout.addWidget(key_box)

        self.save_key_button.clicked.connect(self.save_key)
        self.delete_key_button.clicked.connect(self.delete_key)
        self.test_button.clicked.connect(self.test_connection)
        self.has_key: bool | None = None  # None: not known yet
        self.keychain_problem = ""
        self.busy = False
        self._validate()
        self._update_buttons()

    # State ------------------------------------------------------------------------------
    def options(self) -> dict[str, str]:
        return {key: edit.text().strip() for key, edit in self.fields.items()}

    def set_key_state(self, has_key: bool | None, problem: str = "") -> None:
        self.has_key = has_key
        self.keychain_problem = problem
        if problem:  # the full story is at the top of the page, once
            self.key_status.setText("Keys cannot be stored or read right now (see above).")
        elif has_key:
            self.key_status.setText("A key is stored.")
        elif self.spec.needs_key:
            self.key_status.setText("No key stored: this engine needs one.")
        else:
            self.key_status.setText("No key stored (optional for this engine).")
        self._update_buttons()

    def _result(self, text: str) -> None:
        """The outcome of the last key change or connection test (hidden when empty)."""
        self.test_result.setText(text)
        self.test_result.setVisible(bool(text))

    def _validate(self) -> None:
        problem = option_problem(self.spec.name, self.options())
        self.option_error.setText(problem or "")
        self.option_error.setVisible(bool(problem))

    def _update_buttons(self) -> None:
        keychain_ok = not self.keychain_problem and self.has_key is not None
        typed = bool(self.key_edit.text().strip())
        self.key_edit.setEnabled(keychain_ok and not self.busy)
        self.save_key_button.setText("Replace key" if self.has_key else "Set key")
        self.save_key_button.setEnabled(keychain_ok and typed and not self.busy)
        self.delete_key_button.setEnabled(keychain_ok and bool(self.has_key) and not self.busy)
        can_test = typed or bool(self.has_key) or not self.spec.needs_key
        self.test_button.setEnabled(can_test and not self.busy)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()

    # Actions ----------------------------------------------------------------------------
    def save_key(self) -> None:
        from companion import secrets

        key = self.key_edit.text()
        name = self.spec.name
        self._set_busy(True)
        self._result("")
        self.page.run_job(lambda: secrets.set_key(name, key), self._key_saved, self._key_failed)

    def delete_key(self) -> None:
        from companion import secrets

        name = self.spec.name
        self._set_busy(True)
        self._result("")
        self.page.run_job(lambda: secrets.delete_key(name), self._key_deleted, self._key_failed)

    def test_connection(self) -> None:
        name, options, typed = self.spec.name, self.options(), self.key_edit.text().strip()
        problem = option_problem(name, options)
        if problem:
            self._result(problem)
            return
        self._set_busy(True)
        self._result("Testing…")
        self.page.run_job(
            lambda: _test_connection(name, options, typed), self._test_done, self._test_failed
        )

    @Slot(object)
    def _key_saved(self, _value: object) -> None:
        self.key_edit.clear()
        self._set_busy(False)
        self.set_key_state(True)
        self._result("Key saved in the system keychain.")
        self.page.key_changed()

    @Slot(object)
    def _key_deleted(self, existed: object) -> None:
        self._set_busy(False)
        self.set_key_state(False)
        self._result("Key deleted." if existed else "No key was stored.")
        self.page.key_changed()

    @Slot(object)
    def _key_failed(self, exc: object) -> None:
        self._set_busy(False)
        self._result(f"Key not changed: {_plain_error(exc)}")

    @Slot(object)
    def _test_done(self, translation: object) -> None:
        from companion.untrusted import printable

        self._set_busy(False)
        self._result(f"Connected: {TEST_SAMPLE} → {printable(translation)}")

    @Slot(object)
    def _test_failed(self, exc: object) -> None:
        self._set_busy(False)
        self._result(f"Failed: {_plain_error(exc)}")


class EngineSettingsPage(QWidget):
    """The Engines tab; :meth:`apply` stores everything except keys (saved at once)."""

    keyStateLoaded = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._tasks = TaskRunner(self, network_threads=2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        outer.addWidget(self.scroll_area)
        content = QWidget(self.scroll_area)
        layout = QVBoxLayout(content)

        top = _form()
        self.engine_box = QComboBox(content)
        self.engine_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.engine_box.setMinimumContentsLength(16)
        for spec in engine_specs():
            self.engine_box.addItem(spec.label, spec.name)
        current = settings.get_str("preferred_engine")
        self.engine_box.setCurrentIndex(max(0, self.engine_box.findData(current)))
        top.addRow("Preferred engine", self.engine_box)
        self.offline_only = QCheckBox("Offline only: never send text off this computer", content)
        self.offline_only.setChecked(settings.get_bool("offline_only"))
        top.addRow(self.offline_only)
        layout.addLayout(top)

        self.note = _wrapped("", content)
        self.note.setObjectName("engineNote")
        self.warning_shown = False
        layout.addWidget(self.note)

        self.offline_info = _wrapped(
            "Translation runs on this computer with the installed language packs. "
            "Nothing you paste leaves the machine.",
            content,
        )
        layout.addWidget(self.offline_info)
        self.panels: dict[str, EnginePanel] = {}
        for spec in ONLINE_ENGINES.values():
            panel = EnginePanel(self, spec, content)
            self.panels[spec.name] = panel
            layout.addWidget(panel)
        layout.addStretch(1)
        self.scroll_area.setWidget(content)

        self.keychain_problem = ""
        self.keys_known = False
        self.engine_box.currentIndexChanged.connect(self._engine_changed)
        self.offline_only.toggled.connect(self._update_note)
        self._engine_changed()
        self.reload_keys()

    def current_engine(self) -> str:
        return str(self.engine_box.currentData())

    def current_panel(self) -> EnginePanel | None:
        """The panel of the chosen online engine (None for offline)."""
        return self.panels.get(self.current_engine())

    def _engine_changed(self) -> None:
        name = self.current_engine()
        self.offline_info.setVisible(name not in self.panels)
        for panel_name, panel in self.panels.items():  # hidden panels take no space
            panel.setVisible(panel_name == name)
        self._update_note()

    def key_changed(self) -> None:
        """A key was stored or deleted: the note at the top may change."""
        self._update_note()

    def _update_note(self) -> None:
        """One note where the engine is chosen: a warning when the choice cannot work yet."""
        name = self.current_engine()
        panel = self.panels.get(name)
        warning = ""
        info = ""
        if panel is None:
            info = ""
        elif self.offline_only.isChecked():
            info = (
                "Offline only is on: the engine below is kept but not used until you turn it off."
            )
        elif self.keychain_problem and panel.spec.needs_key:
            warning = (
                f"{panel.spec.label} needs an API key, but Companion cannot use the system "
                f"keychain here, so translations stay offline for now. "
                f"{_sentence(self.keychain_problem)}"
            )
        elif self.keychain_problem:
            warning = (
                f"{panel.spec.label} works without a key, but a key cannot be stored here. "
                f"{_sentence(self.keychain_problem)}"
            )
        elif self.keys_known and panel.spec.needs_key and not panel.has_key:
            warning = (
                f"{panel.spec.label} needs an API key: paste it below and press Set key. "
                "Until then Companion translates offline."
            )
        else:
            info = (
                f"Text you translate is sent to {panel.spec.label}. If it fails, "
                "Companion translates offline and says so."
            )
        self.warning_shown = bool(warning)
        self.note.setStyleSheet(WARNING_STYLE if warning else "")
        self.note.setText(warning or info)
        self.note.setVisible(bool(warning or info))

    # Background work ------------------------------------------------------------------------
    def run_job(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[object], None],
        on_error: Callable[[object], None],
    ) -> None:
        self._tasks.run_network(fn, on_done, on_error)

    def reload_keys(self) -> None:
        """Read which engines have keys, off the GUI thread."""
        self.run_job(_key_state, self._keys_loaded, self._keys_failed)

    @Slot(object)
    def _keys_loaded(self, state: object) -> None:
        self.keychain_problem = "" if isinstance(state, dict) else str(state)
        for name, panel in self.panels.items():
            if isinstance(state, dict):
                panel.set_key_state(bool(state.get(name)))
            else:
                panel.set_key_state(None, self.keychain_problem)
        self.keys_known = True
        self._update_note()
        self.keyStateLoaded.emit()

    @Slot(object)
    def _keys_failed(self, exc: object) -> None:
        self._keys_loaded(f"the system keychain could not be read ({_plain_error(exc)})")

    @property
    def busy(self) -> bool:
        return self._tasks.pending > 0

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """For tests and closing: wait for background jobs."""
        return self._tasks.wait_idle(msecs)

    # Saving -----------------------------------------------------------------------------
    def apply(self) -> None:
        """Store the preferred engine, the offline-only switch and every engine's options."""
        self.settings.set("preferred_engine", self.current_engine())
        self.settings.set("offline_only", self.offline_only.isChecked())
        for name, panel in self.panels.items():
            save_engine_options(self.settings, name, panel.options())


def _sentence(text: str) -> str:
    """``text`` as a sentence: capitalised, ending with a full stop."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
