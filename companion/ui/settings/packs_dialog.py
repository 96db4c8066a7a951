"""Language packs: what is installed (damaged ones too), download, install from a file, remove.

The work is the core's (:func:`companion.packs.download_packs`, ``install_pack``,
``uninstall_pack``); this dialog runs it off the GUI thread with progress and a working
Cancel, and says what happened pack by pack. A failure is one plain sentence and leaves
nothing half-installed (the core guarantees that). Offline, the error offers "Install from
file…" in place. Closing the dialog cancels its download; the dialog stays alive (hidden)
until the job reports, so packs that did get installed still reach the main window through
``packsChanged``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion import packs
from companion.engines.base import Cancelled, CancelToken
from companion.settings import DEFAULTS, Settings
from companion.ui.tasks import TaskRunner
from companion.untrusted import printable

_ERROR_COLOUR = "#b00020"
_INSTALL_FROM_FILE = "install-from-file"  # the link in an offline error

# Downloads still running in any dialog (GUI thread only): a second download started while a
# cancelled one winds down would write the same ``.part`` file, so it waits for it.
_RUNNING_DOWNLOADS: set[CancelToken] = set()


def _human_size(size: int | None) -> str:
    if not size:
        return "size unknown"
    return f"{size / 1_000_000:.0f} MB"


def _pair(pack: packs.AvailablePack | packs.InstalledPack) -> str:
    text = f"{pack.from_name or pack.from_code or '?'}→{pack.to_name or pack.to_code or '?'}"
    return printable(text, limit=80)


def _versioned(pack: packs.AvailablePack | packs.InstalledPack) -> str:
    if not pack.package_version:
        return _pair(pack)
    return f"{_pair(pack)} v{printable(pack.package_version, limit=20)}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _error_text(exc: BaseException) -> str:
    """One line for the user: a PackError's message, else the exception's first line."""
    text = exc.message if isinstance(exc, packs.PackError) else str(exc).strip()
    return printable(text.splitlines()[0] if text else type(exc).__name__, limit=300)


def _red(text: str) -> str:
    return f"<span style='color:{_ERROR_COLOUR}'>{html.escape(text)}</span>"


def _offer_file(exc: BaseException | None) -> str:
    """The "Install from file…" link after an error that means there is no connection."""
    if isinstance(exc, packs.PackError) and exc.kind == "offline":
        return (
            f" <a href='{_INSTALL_FROM_FILE}'>Install from file…</a> "
            "(a pack downloaded on another computer)"
        )
    return ""


def report_message(report: packs.DownloadReport) -> str:
    """The status line for a download run as escaped HTML: precise about each pack."""
    if report.error is None:
        if not report.installed:
            versions = _and([_versioned(p) for p in report.current])
            verb = "is" if len(report.current) == 1 else "are"
            return html.escape(f"Everything is up to date: {versions} {verb} already installed.")
        text = f"Installed {_and([_pair(p) for p in report.installed])}. Translation is ready."
        if report.current:
            verb = "was" if len(report.current) == 1 else "were"
            text += f" {_and([_versioned(p) for p in report.current])} {verb} already installed."
        return html.escape(text)
    done = [html.escape(f"{_pair(p)} installed") for p in report.installed]
    done += [html.escape(f"{_versioned(p)} already installed") for p in report.current]
    if isinstance(report.error, Cancelled):
        if not done:
            return html.escape("Download cancelled. Nothing was installed.")
        stopped = [html.escape(f"{_pair(p)} cancelled") for p in report.todo]
        return _sentence("; ".join(done + stopped)) + "."
    reason = _error_text(report.error).rstrip(".")
    offer = _offer_file(report.error)
    if not report.todo:  # the index itself failed, before any pack
        return _red(_sentence(reason) + ".") + offer
    failed = [_red(f"{_pair(report.todo[0])} failed: {reason}")]
    failed += [html.escape(f"{_pair(p)} not downloaded") for p in report.todo[1:]]
    return _sentence("; ".join(done + failed)) + "." + offer


class PacksDialog(QDialog):
    """Install, download, list, reinstall and remove offline language packs."""

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
        intro = QLabel(
            "Companion translates on this computer with free Argos language packs: one "
            "for Chinese→English and one for English→Chinese (~90 MB each).",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(QLabel("<b>Installed</b>", self))
        self.installed_list = QListWidget(self)
        self.installed_list.setMinimumHeight(90)
        self.installed_list.setWordWrap(True)  # a damaged pack's reason is a sentence
        self.installed_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.installed_list, 1)
        pack_row = QHBoxLayout()
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setToolTip("Delete the selected pack from this computer")
        self.reinstall_button = QPushButton("Reinstall", self)
        self.reinstall_button.setToolTip("Download the selected pack again from the index")
        pack_row.addWidget(self.remove_button)
        pack_row.addWidget(self.reinstall_button)
        pack_row.addStretch(1)
        layout.addLayout(pack_row)
        self.status = QLabel("", self)
        self.status.setTextFormat(Qt.TextFormat.RichText)  # every message is escaped HTML
        self.status.setWordWrap(True)
        self.status.setOpenExternalLinks(False)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        layout.addWidget(self.status)
        self.progress = QProgressBar(self)
        self.progress.hide()
        layout.addWidget(self.progress)
        index_row = QHBoxLayout()
        index_row.addWidget(QLabel("Package index:", self))
        self.index_edit = QLineEdit(settings.get_str("package_index_url"), self)
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
        self.download_button.clicked.connect(lambda: self.start_download())
        self.file_button.clicked.connect(self.choose_file)
        self.cancel_button.clicked.connect(self.cancel_download)
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.reinstall_button.clicked.connect(self.reinstall_selected)
        self.installed_list.currentItemChanged.connect(lambda *_: self._update_pack_buttons())
        self.status.linkActivated.connect(self._link)
        self.resize(640, 460)  # wide enough for a damaged pack's reason on one line
        self.refresh()

    # The list ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        selected = self.selected_pack()
        self.installed_list.clear()
        installed = packs.list_installed(include_damaged=True)
        for pack in installed:
            if pack.usable:
                text = (
                    f"{_pair(pack)}   v{printable(pack.package_version, limit=20)}   "
                    f"{_human_size(pack.size_bytes)}"
                )
            else:
                name = _versioned(pack) if pack.from_code else pack.path.name
                fix = "reinstall or remove it" if self._reinstallable(pack) else "remove it"
                text = f"{name}   DAMAGED\n{_sentence(pack.problem or '')}: {fix}."
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, pack)
            if not pack.usable:
                item.setForeground(QBrush(QColor(_ERROR_COLOUR)))
                item.setToolTip(f"{pack.problem}. Reinstall it, or remove it.\n{pack.path}")
            self.installed_list.addItem(item)
            if selected is not None and pack.path == selected.path:
                self.installed_list.setCurrentItem(item)
        if not installed:
            empty = QListWidgetItem("No language pack installed yet.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.installed_list.addItem(empty)
        elif self.installed_list.currentItem() is None:
            self.installed_list.setCurrentRow(0)
        self._update_pack_buttons()

    def selected_pack(self) -> packs.InstalledPack | None:
        item = self.installed_list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, packs.InstalledPack) else None

    def _reinstallable(self, pack: packs.InstalledPack | None) -> bool:
        return pack is not None and (pack.from_code, pack.to_code) in packs.SUPPORTED_PAIRS

    def _update_pack_buttons(self) -> None:
        busy = self._jobs > 0
        pack = self.selected_pack()
        self.remove_button.setEnabled(pack is not None and not busy)
        damaged = pack is not None and not pack.usable
        self.reinstall_button.setVisible(damaged and self._reinstallable(pack))
        self.reinstall_button.setEnabled(not busy)

    def _say(self, text: str) -> None:
        self.status.setText(html.escape(text))

    def _busy(self, busy: bool) -> None:
        self.download_button.setEnabled(not busy)
        self.file_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy and self._cancel is not None)
        self.progress.setVisible(busy)
        self._update_pack_buttons()

    def _link(self, target: str) -> None:
        if target == _INSTALL_FROM_FILE:
            self.choose_file()

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
        """Install off the GUI thread: the core unpacks the file and loads the model once."""
        self._say(f"Installing {printable(path.name, limit=120)} (checking that it loads)…")
        self.progress.setRange(0, 0)
        self._job_started()
        self._busy(True)
        self.runner.run_local(
            lambda: packs.install_pack(path),
            on_done=self._file_installed,
            on_error=self._job_failed,
        )

    def _file_installed(self, pack: packs.InstalledPack) -> None:
        self.settings.set("first_run_done", True)
        self._job_succeeded(f"Installed {_versioned(pack)}. Translation is ready.")

    def _job_succeeded(self, text: str) -> None:
        """An install or removal is done: say so, relist, tell the main window."""
        if not self._job_ended():
            return
        self._busy(False)
        self._say(text)
        self.refresh()
        self.packsChanged.emit()

    def _job_failed(self, exc: BaseException) -> None:
        if not self._job_ended():
            return
        self._busy(False)
        self.status.setText(_red(_sentence(_error_text(exc))))
        self.refresh()

    # Remove ---------------------------------------------------------------------------------
    def remove_selected(self, confirm: bool = True) -> None:
        pack = self.selected_pack()
        if pack is None:
            return
        label = _versioned(pack) if pack.from_code else pack.path.name
        if confirm:
            answer = QMessageBox.question(
                self,
                "Remove language pack",
                f"Remove {label} ({_human_size(pack.size_bytes)}) from this computer?\n\n"
                "You can download or install it again later.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._say(f"Removing {label}…")
        self._job_started()
        self._busy(True)
        # On the local worker: no translation is using the model while its files go.
        self.runner.run_local(
            lambda: packs.uninstall_pack(pack),
            on_done=lambda _none: self._job_succeeded(f"Removed {label}."),
            on_error=self._job_failed,
        )

    def reinstall_selected(self) -> None:
        pack = self.selected_pack()
        if pack is not None and self._reinstallable(pack):
            self.start_download(pairs=[(pack.from_code, pack.to_code)], force=True)

    # Download from the index ------------------------------------------------------------------
    def start_download(
        self, pairs: Sequence[tuple[str, str]] = packs.SUPPORTED_PAIRS, force: bool = False
    ) -> None:
        """Download the packs of ``pairs`` that are missing, older than the index's or
        damaged (all of them with ``force``)."""
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
        self._job_started()
        self._busy(True)
        _RUNNING_DOWNLOADS.add(cancel)
        wanted = list(pairs)

        def job(progress: Callable[[packs.DownloadProgress], None]) -> packs.DownloadReport:
            return packs.download_packs(url, wanted, force=force, progress=progress, cancel=cancel)

        def finished(report: packs.DownloadReport) -> None:
            _RUNNING_DOWNLOADS.discard(cancel)
            self._download_finished(report, cancel)

        def failed(exc: BaseException) -> None:  # only a bug in the core gets here
            _RUNNING_DOWNLOADS.discard(cancel)
            report = packs.DownloadReport(
                error=packs.PackError(f"the download failed unexpectedly ({type(exc).__name__})")
            )
            self._download_finished(report, cancel)

        self.runner.run_network(
            job, on_done=finished, on_error=failed, on_progress=self._progressed
        )

    def _progressed(self, step: packs.DownloadProgress) -> None:
        if not shiboken6.isValid(self) or self._cancel is None or self._cancel.cancelled:
            return  # gone, or "Cancelling…" must stay visible
        if step.pack is None:
            return  # still reading the index: "Reading the package index…" stays
        label = _pair(step.pack)
        if step.count > 1:
            label += f" ({step.number} of {step.count})"
        if step.stage == "install":
            self.progress.setRange(0, 0)
            self._say(f"Installing {label} (checking that it loads)…")
        elif step.total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(step.done * 1000 / step.total))
            self._say(f"Downloading {label}: {step.done / 1e6:.1f} of {step.total / 1e6:.1f} MB")
        else:
            self.progress.setRange(0, 0)
            self._say(f"Downloading {label}: {step.done / 1e6:.1f} MB")

    def cancel_download(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
            self._say("Cancelling…")

    # Results ----------------------------------------------------------------------------------
    def _download_finished(self, report: packs.DownloadReport, cancel: CancelToken) -> None:
        if report.installed or (report.error is None and report.current):
            self.settings.set("first_run_done", True)  # translation works now
        if not self._job_ended():
            return
        if self._cancel is cancel:
            self._cancel = None
        self._busy(False)
        self.status.setText(report_message(report))
        self.refresh()
        if report.installed:
            self.packsChanged.emit()
