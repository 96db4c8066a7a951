"""Language packs: what is installed, download from argos's index, install from a file.

Downloads and installs run off the GUI thread with progress and a working Cancel; a failure
is one plain sentence and leaves nothing half-installed (the core guarantees that). Closing
the dialog cancels its download; the dialog stays alive (hidden) until the job reports, so
packs that did get installed still reach the main window through ``packsChanged``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion import packs
from companion.engines.base import Cancelled, CancelToken
from companion.settings import DEFAULTS, Settings
from companion.ui.tasks import TaskRunner

_ERROR_COLOUR = "#b00020"

# Downloads still running in any dialog (GUI thread only): a second download started while a
# cancelled one winds down would write the same ``.part`` file, so it waits for it.
_RUNNING_DOWNLOADS: set[CancelToken] = set()


def _human_size(size: int | None) -> str:
    if not size:
        return "size unknown"
    return f"{size / 1_000_000:.0f} MB"


def _pair(pack: packs.AvailablePack | packs.InstalledPack) -> str:
    return f"{pack.from_name or pack.from_code}→{pack.to_name or pack.to_code}"


def _versioned(pack: packs.AvailablePack | packs.InstalledPack) -> str:
    return f"{_pair(pack)} v{pack.package_version}" if pack.package_version else _pair(pack)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _error_text(exc: BaseException) -> str:
    """One line for the user: a PackError's message, else the exception's first line."""
    text = exc.message if isinstance(exc, packs.PackError) else str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


def _red(text: str) -> str:
    return f"<span style='color:{_ERROR_COLOUR}'>{html.escape(text)}</span>"


@dataclass
class _DownloadRun:
    """What one download run did, filled in by the worker and read once it has reported."""

    installed: list[packs.InstalledPack] = field(default_factory=list)
    current: list[packs.InstalledPack] = field(default_factory=list)  # already up to date
    todo: list[packs.AvailablePack] = field(default_factory=list)  # first one: in progress
    error: Exception | None = None  # Cancelled, PackError, or an unexpected error

    def message(self) -> str:
        """The status line as escaped HTML: precise about each pack, errors in red."""
        if self.error is None:
            if not self.installed:
                versions = _and([_versioned(p) for p in self.current])
                verb = "is" if len(self.current) == 1 else "are"
                return html.escape(
                    f"Everything is up to date: {versions} {verb} already installed."
                )
            text = f"Installed {_and([_pair(p) for p in self.installed])}. Translation is ready."
            if self.current:
                verb = "was" if len(self.current) == 1 else "were"
                text += f" {_and([_versioned(p) for p in self.current])} {verb} already installed."
            return html.escape(text)
        done = [html.escape(f"{_pair(p)} installed") for p in self.installed]
        done += [html.escape(f"{_versioned(p)} already installed") for p in self.current]
        if isinstance(self.error, Cancelled):
            if not done:
                return html.escape("Download cancelled. Nothing was installed.")
            stopped = [html.escape(f"{_pair(p)} cancelled") for p in self.todo]
            return _sentence("; ".join(done + stopped)) + "."
        reason = _error_text(self.error).rstrip(".")
        if not self.todo:  # the index itself failed, before any pack
            return _red(_sentence(reason) + ".")
        failed = [_red(f"{_pair(self.todo[0])} failed: {reason}")]
        failed += [html.escape(f"{_pair(p)} not downloaded") for p in self.todo[1:]]
        return _sentence("; ".join(done + failed)) + "."


class PacksDialog(QDialog):
    """Install, download and list offline language packs."""

    packsChanged = Signal()

    def __init__(self, settings: Settings, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Language packs")
        self.settings = settings
        self.runner = runner
        self._cancel: CancelToken | None = None
        self._jobs = 0  # jobs started whose result has not come back
        self._delete_when_idle = False  # closed during a job with WA_DeleteOnClose
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Companion translates on this computer with free Argos language packs: one "
                "for Chinese→English and one for English→Chinese (~90 MB each).",
                self,
                wordWrap=True,
            )
        )
        layout.addWidget(QLabel("<b>Installed</b>", self))
        self.installed_list = QListWidget(self)
        layout.addWidget(self.installed_list)
        self.status = QLabel("", self)
        self.status.setTextFormat(Qt.TextFormat.RichText)  # every message is escaped HTML
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.progress = QProgressBar(self)
        self.progress.hide()
        layout.addWidget(self.progress)
        index_row = QHBoxLayout()
        index_row.addWidget(QLabel("Package index:", self))
        self.index_edit = QLineEdit(str(settings.get("package_index_url")), self)
        self.index_edit.setToolTip(
            "Where packs are downloaded from: argos's index by default, or a mirror"
        )
        index_row.addWidget(self.index_edit, 1)
        layout.addLayout(index_row)
        buttons = QHBoxLayout()
        self.download_button = QPushButton("Download Chinese↔English packs", self)
        self.file_button = QPushButton("Install from file…", self)
        self.cancel_button = QPushButton("Cancel download", self)
        self.cancel_button.hide()
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.file_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.download_button.clicked.connect(self.start_download)
        self.file_button.clicked.connect(self.choose_file)
        self.cancel_button.clicked.connect(self.cancel_download)
        self.refresh()

    def refresh(self) -> None:
        self.installed_list.clear()
        installed = packs.list_installed()
        for pack in installed:
            self.installed_list.addItem(
                f"{pack.from_name or pack.from_code} → {pack.to_name or pack.to_code}   "
                f"v{pack.package_version}   {_human_size(pack.size_bytes)}"
            )
        if not installed:
            self.installed_list.addItem("No language pack installed yet.")

    def _say(self, text: str) -> None:
        self.status.setText(html.escape(text))

    def _busy(self, busy: bool) -> None:
        self.download_button.setEnabled(not busy)
        self.file_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy and self._cancel is not None)
        self.progress.setVisible(busy)

    # Closing ------------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        """Close, Escape and the window's X all end here: stop the download first."""
        self._closing()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        # A hidden dialog's close() skips done(); the job must still be cancelled.
        self._closing()
        super().closeEvent(event)

    def _closing(self) -> None:
        """Cancel the download and, if a job is still out, outlive it instead of being deleted.

        An install cannot be interrupted and a download stops only at its next chunk, so a
        pack may still land after the window is gone: the hidden dialog waits for the job's
        report, emits ``packsChanged`` if anything got installed, then deletes itself.
        """
        if self._cancel is not None:
            self._cancel.cancel()
        if self._jobs and self.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose):
            self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
            self._delete_when_idle = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._delete_when_idle:  # shown again before its job ended: close as usual later
            self._delete_when_idle = False
            self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        super().showEvent(event)

    def _job_started(self) -> None:
        self._jobs += 1

    def _job_ended(self) -> bool:
        """Account for a finished job; False when the dialog is gone and nothing may be touched.

        The dialog can be destroyed with a job out (its parent closed): the Python object
        outlives the C++ one, and touching a widget would raise.
        """
        self._jobs -= 1
        if not shiboken6.isValid(self):
            return False
        if self._jobs == 0 and self._delete_when_idle:
            self.deleteLater()
        return True

    # Install from a file --------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            "Install a language pack",
            str(Path.home()),
            "Argos packs (*.argosmodel);;All files (*)",
        )
        if path:
            self.install_file(Path(path))

    def install_file(self, path: Path) -> None:
        self._say(f"Installing {path.name}…")
        self.progress.setRange(0, 0)
        self._busy(True)
        self._job_started()
        self.runner.run_local(
            lambda: packs.install_pack(path),
            on_done=self._file_installed,
            on_error=self._file_failed,
        )

    def _file_installed(self, pack: packs.InstalledPack) -> None:
        if not self._job_ended():
            return
        self._busy(False)
        self._say(f"Installed {_versioned(pack)}. Translation is ready.")
        self.settings.set("first_run_done", True)
        self.refresh()
        self.packsChanged.emit()

    def _file_failed(self, exc: BaseException) -> None:
        if not self._job_ended():
            return
        self._busy(False)
        self.status.setText(_red(_sentence(_error_text(exc))))
        self.refresh()

    # Download from the index ------------------------------------------------------------------
    def start_download(self) -> None:
        """Download the Chinese↔English packs that are missing or older than the index's."""
        if _RUNNING_DOWNLOADS:
            self._say("The previous download is still stopping. Try again in a moment.")
            return
        url = self.index_edit.text().strip() or str(DEFAULTS["package_index_url"])
        self.settings.set("package_index_url", url)
        cancel = CancelToken()
        self._cancel = cancel
        # Destroyed without closing (its parent went away): nobody is waiting any more.
        self.destroyed.connect(cancel.cancel)
        self._say("Reading the package index…")
        self.progress.setRange(0, 0)
        self._busy(True)
        self._job_started()
        _RUNNING_DOWNLOADS.add(cancel)
        run = _DownloadRun()

        def job(progress: Any) -> _DownloadRun:
            try:
                available = packs.chinese_english_packs(packs.fetch_index(url))
                if not available:
                    raise packs.PackError("the package index lists no Chinese↔English packs")
                for pack in available:
                    have = packs.up_to_date(pack)
                    if have is None:
                        run.todo.append(pack)
                    else:
                        run.current.append(have)
                count = len(run.todo)
                for number in range(1, count + 1):
                    pack = run.todo[0]
                    cancel.raise_if_cancelled()
                    label = f"{_pair(pack)} ({number} of {count})" if count > 1 else _pair(pack)

                    def report(done: int, total: int | None, label: str = label) -> None:
                        progress((label, done, total))

                    run.installed.append(
                        packs.download_and_install(pack, progress=report, cancel=cancel)
                    )
                    run.todo.pop(0)
            except Exception as exc:  # reported pack by pack, never lost in the thread
                run.error = exc
            return run

        def finished(value: _DownloadRun) -> None:
            _RUNNING_DOWNLOADS.discard(cancel)
            self._download_finished(value, cancel)

        def failed(exc: BaseException) -> None:  # only a bug in the job itself gets here
            _RUNNING_DOWNLOADS.discard(cancel)
            run.error = exc if isinstance(exc, Exception) else RuntimeError(str(exc))
            self._download_finished(run, cancel)

        self.runner.run_network(
            job, on_done=finished, on_error=failed, on_progress=self._progressed
        )

    def _progressed(self, value: tuple[str, int, int | None]) -> None:
        if not shiboken6.isValid(self) or self._cancel is None or self._cancel.cancelled:
            return  # gone, or "Cancelling…" must stay visible
        label, done, total = value
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(done * 1000 / total))
            self._say(f"Downloading {label}: {done / 1e6:.1f} of {total / 1e6:.1f} MB")
        else:
            self.progress.setRange(0, 0)
            self._say(f"Downloading {label}: {done / 1e6:.1f} MB")

    def cancel_download(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
            self._say("Cancelling…")

    # Results ----------------------------------------------------------------------------------
    def _download_finished(self, run: _DownloadRun, cancel: CancelToken) -> None:
        if run.installed or (run.error is None and run.current):
            self.settings.set("first_run_done", True)  # translation works now
        if not self._job_ended():
            return
        if self._cancel is cancel:
            self._cancel = None
        self._busy(False)
        self.status.setText(run.message())
        self.refresh()
        if run.installed:
            self.packsChanged.emit()
