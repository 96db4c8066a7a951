"""Language packs: what is installed, download from argos's index, install from a file.

Downloads and installs run off the GUI thread with progress and a working Cancel; a failure
is one plain sentence and leaves nothing half-installed (the core guarantees that).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
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
from companion.engines.base import CancelToken
from companion.settings import DEFAULTS, Settings
from companion.ui.tasks import TaskRunner


def _human_size(size: int | None) -> str:
    if not size:
        return "size unknown"
    return f"{size / 1_000_000:.0f} MB"


class PacksDialog(QDialog):
    """Install, download and list offline language packs."""

    packsChanged = Signal()

    def __init__(self, settings: Settings, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Language packs")
        self.settings = settings
        self.runner = runner
        self._cancel: CancelToken | None = None
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

    def _busy(self, busy: bool) -> None:
        self.download_button.setEnabled(not busy)
        self.file_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy and self._cancel is not None)
        self.progress.setVisible(busy)

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
        self.status.setText(f"Installing {path.name}…")
        self.progress.setRange(0, 0)
        self._busy(True)
        self.runner.run_local(
            lambda: packs.install_pack(path), on_done=self._installed, on_error=self._failed
        )

    # Download from the index ------------------------------------------------------------------
    def start_download(self) -> None:
        url = self.index_edit.text().strip() or str(DEFAULTS["package_index_url"])
        self.settings.set("package_index_url", url)
        cancel = CancelToken()
        self._cancel = cancel
        self.status.setText("Reading the package index…")
        self.progress.setRange(0, 0)
        self._busy(True)

        def job(progress: Any) -> list[Any]:
            available = packs.chinese_english_packs(packs.fetch_index(url))
            if not available:
                raise packs.PackError("the package index lists no Chinese↔English packs")
            installed = []
            for number, pack in enumerate(available, start=1):
                label = f"{pack.from_code}→{pack.to_code} ({number} of {len(available)})"

                def report(done: int, total: int | None, label: str = label) -> None:
                    progress((label, done, total))

                installed.append(packs.download_and_install(pack, progress=report, cancel=cancel))
            return installed

        self.runner.run_network(
            job, on_done=self._installed, on_error=self._failed, on_progress=self._progressed
        )

    def _progressed(self, value: tuple[str, int, int | None]) -> None:
        label, done, total = value
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(done * 1000 / total))
            self.status.setText(f"Downloading {label}: {done / 1e6:.1f} of {total / 1e6:.1f} MB")
        else:
            self.progress.setRange(0, 0)
            self.status.setText(f"Downloading {label}: {done / 1e6:.1f} MB")

    def cancel_download(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
            self.status.setText("Cancelling…")

    # Results ----------------------------------------------------------------------------------
    def _installed(self, value: Any) -> None:
        self._cancel = None
        self._busy(False)
        installed = value if isinstance(value, list) else [value]
        names = ", ".join(f"{p.from_code}→{p.to_code}" for p in installed)
        self.status.setText(f"Installed {names}. Translation is ready.")
        self.settings.set("first_run_done", True)
        self.refresh()
        self.packsChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        cancelled = self._cancel is not None and self._cancel.cancelled
        self._cancel = None
        self._busy(False)
        if cancelled:
            self.status.setText("Download cancelled. Nothing was installed.")
        else:
            self.status.setText(f"<span style='color:#b00020'>{html.escape(str(exc))}</span>")
        self.refresh()
