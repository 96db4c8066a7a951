"""Settings > Engines: preferred engine, "offline only", per-engine options and API keys.

Keys go straight to the OS keychain (never into settings). Every keychain call and every
"Test connection" runs on a worker thread: the keychain may be slow or prompt to unlock,
and a network test can take seconds, so the dialog never freezes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.engines.registry import (
    ONLINE_ENGINES,
    EngineSpec,
    engine_options,
    option_problem,
    save_engine_options,
)
from companion.settings import Settings

TEST_TIMEOUT = 10.0
TEST_SAMPLE = "你好，很高兴认识你！"


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    """Runs ``fn`` on the pool; the result or exception comes back through queued signals."""

    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            value = self._fn()
        except Exception as exc:
            self.signals.failed.emit(exc)
            return
        self.signals.done.emit(value)


def _key_state() -> dict[str, bool] | str:
    """Which engines have a key, or the keychain's problem in plain words."""
    from companion import secrets

    status = secrets.backend_status()
    if not status.usable:
        return status.message
    try:
        return {name: secrets.has_key(name) for name in ONLINE_ENGINES}
    except secrets.SecretsError as exc:
        return str(exc)


def _test_connection(name: str, options: dict[str, str], typed_key: str) -> str:
    from companion import secrets
    from companion.engines.registry import engine_from_options

    key: Any = typed_key or (lambda: secrets.get_key(name))
    engine = engine_from_options(name, options, key, timeout=TEST_TIMEOUT)
    out = engine.translate_batch([TEST_SAMPLE], "zh", "en")
    return out[0]


class EnginePanel(QWidget):
    """Options, key buttons and connection test for one online engine."""

    def __init__(self, page: EngineSettingsPage, spec: EngineSpec) -> None:
        super().__init__(page)
        self.page = page
        self.spec = spec
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        options_box = QGroupBox(f"{spec.label} options", self)
        form = QFormLayout(options_box)
        stored = engine_options(page.settings, spec.name)
        self.fields: dict[str, QLineEdit] = {}
        for option in spec.options:
            edit = QLineEdit(stored.get(option.key, ""), options_box)
            edit.setPlaceholderText(option.placeholder)
            if option.help:
                edit.setToolTip(option.help)
            edit.textChanged.connect(self._validate)
            form.addRow(option.label, edit)
            self.fields[option.key] = edit
        self.option_error = QLabel("", options_box)
        self.option_error.setWordWrap(True)
        form.addRow(self.option_error)
        layout.addWidget(options_box)

        key_box = QGroupBox("API key (kept in the system keychain)", self)
        key_layout = QVBoxLayout(key_box)
        self.key_status = QLabel("Checking the keychain…", key_box)
        self.key_status.setWordWrap(True)
        key_layout.addWidget(self.key_status)
        help_label = QLabel(spec.key_help, key_box)
        help_label.setWordWrap(True)
        key_layout.addWidget(help_label)
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
        self.test_result = QLabel("", key_box)
        self.test_result.setWordWrap(True)
        key_layout.addWidget(self.test_result)
        layout.addWidget(key_box)
        layout.addStretch(1)

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
        if problem:
            self.key_status.setText(problem)
        elif has_key:
            self.key_status.setText("A key is stored.")
        elif self.spec.needs_key:
            self.key_status.setText("No key stored: this engine needs one.")
        else:
            self.key_status.setText("No key stored (optional for this engine).")
        self._update_buttons()

    def _validate(self) -> None:
        problem = option_problem(self.spec.name, self.options())
        self.option_error.setText(problem or "")

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
        self.test_result.setText("")
        self.page.run_job(lambda: secrets.set_key(name, key), self._key_saved, self._key_failed)

    def delete_key(self) -> None:
        from companion import secrets

        name = self.spec.name
        self._set_busy(True)
        self.test_result.setText("")
        self.page.run_job(lambda: secrets.delete_key(name), self._key_deleted, self._key_failed)

    def test_connection(self) -> None:
        name, options, typed = self.spec.name, self.options(), self.key_edit.text().strip()
        problem = option_problem(name, options)
        if problem:
            self.test_result.setText(problem)
            return
        self._set_busy(True)
        self.test_result.setText("Testing…")
        self.page.run_job(
            lambda: _test_connection(name, options, typed), self._test_done, self._test_failed
        )

    @Slot(object)
    def _key_saved(self, _value: object) -> None:
        self.key_edit.clear()
        self._set_busy(False)
        self.set_key_state(True)
        self.test_result.setText("Key saved in the system keychain.")

    @Slot(object)
    def _key_deleted(self, existed: object) -> None:
        self._set_busy(False)
        self.set_key_state(False)
        self.test_result.setText("Key deleted." if existed else "No key was stored.")

    @Slot(object)
    def _key_failed(self, exc: object) -> None:
        self._set_busy(False)
        self.test_result.setText(f"Key not changed: {exc}")

    @Slot(object)
    def _test_done(self, translation: object) -> None:
        self._set_busy(False)
        self.test_result.setText(f"Connected: {TEST_SAMPLE} → {translation}")

    @Slot(object)
    def _test_failed(self, exc: object) -> None:
        from companion.engines.base import EngineError

        self._set_busy(False)
        if isinstance(exc, EngineError):
            self.test_result.setText(f"Failed: {exc}")
        else:
            self.test_result.setText(f"Failed: {type(exc).__name__}")


class EngineSettingsPage(QWidget):
    """The Engines tab; :meth:`apply` stores everything except keys (saved at once)."""

    keyStateLoaded = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._jobs: set[_Signals] = set()
        layout = QVBoxLayout(self)

        top = QFormLayout()
        self.engine_box = QComboBox(self)
        self.engine_box.addItem("Offline (language packs on this computer)", "offline")
        for spec in ONLINE_ENGINES.values():
            self.engine_box.addItem(spec.label, spec.name)
        current = settings.get("preferred_engine")
        self.engine_box.setCurrentIndex(max(0, self.engine_box.findData(current)))
        top.addRow("Preferred engine", self.engine_box)
        self.offline_only = QCheckBox("Offline only: never send text off this computer", self)
        self.offline_only.setChecked(bool(settings.get("offline_only")))
        top.addRow("", self.offline_only)
        layout.addLayout(top)

        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        self.stack = QStackedWidget(self)
        offline_info = QLabel(
            "Translation runs on this computer with the installed language packs. "
            "Nothing you paste leaves the machine.",
            self.stack,
        )
        offline_info.setWordWrap(True)
        self.stack.addWidget(offline_info)
        self.panels: dict[str, EnginePanel] = {}
        for spec in ONLINE_ENGINES.values():
            panel = EnginePanel(self, spec)
            self.panels[spec.name] = panel
            self.stack.addWidget(panel)
        layout.addWidget(self.stack, 1)

        self.engine_box.currentIndexChanged.connect(self._engine_changed)
        self.offline_only.toggled.connect(self._update_note)
        self._engine_changed()
        self.reload_keys()

    def current_engine(self) -> str:
        return str(self.engine_box.currentData())

    def _engine_changed(self) -> None:
        name = self.current_engine()
        panel = self.panels.get(name)
        if panel is not None:
            self.stack.setCurrentWidget(panel)
        else:
            self.stack.setCurrentIndex(0)
        self._update_note()

    def _update_note(self) -> None:
        name = self.current_engine()
        if name == "offline":
            self.note.setText("")
        elif self.offline_only.isChecked():
            self.note.setText(
                "Offline only is on: the engine below is kept but not used until you turn it off."
            )
        else:
            self.note.setText(
                f"Text you translate is sent to {ONLINE_ENGINES[name].label}. If it fails, "
                "Companion translates offline and says so."
            )

    # Background work ------------------------------------------------------------------------
    def run_job(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[object], None],
        on_error: Callable[[object], None],
    ) -> None:
        # Parented to the page: the pool (created first) is destroyed first and waits for
        # running jobs, then these go, so no result reaches a deleted widget.
        signals = _Signals(self)
        self._jobs.add(signals)

        def finish(handler: Callable[[object], None]) -> Callable[[object], None]:
            def slot(value: object) -> None:
                self._jobs.discard(signals)
                signals.deleteLater()
                handler(value)

            return slot

        signals.done.connect(finish(on_done))
        signals.failed.connect(finish(on_error))
        self._pool.start(_Job(fn, signals))

    def reload_keys(self) -> None:
        """Read which engines have keys, off the GUI thread."""
        self.run_job(_key_state, self._keys_loaded, self._keys_failed)

    @Slot(object)
    def _keys_loaded(self, state: object) -> None:
        for name, panel in self.panels.items():
            if isinstance(state, dict):
                panel.set_key_state(bool(state.get(name)))
            else:
                panel.set_key_state(None, str(state))
        self.keyStateLoaded.emit()

    @Slot(object)
    def _keys_failed(self, exc: object) -> None:
        for panel in self.panels.values():
            panel.set_key_state(None, f"The keychain could not be read: {exc}")
        self.keyStateLoaded.emit()

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """For tests and closing: wait for background jobs."""
        return self._pool.waitForDone(msecs)

    # Saving -----------------------------------------------------------------------------
    def apply(self) -> None:
        """Store the preferred engine, the offline-only switch and every engine's options."""
        self.settings.set("preferred_engine", self.current_engine())
        self.settings.set("offline_only", self.offline_only.isChecked())
        for name, panel in self.panels.items():
            save_engine_options(self.settings, name, panel.options())
