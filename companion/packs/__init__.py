"""Offline language packs: list, install, remove and download argos ``.argosmodel`` files.

Packs live where argos itself installs them (:func:`companion.paths.argos_packages_dir`), so
packs from ``argospm`` work here and ours work in argos. A pack's identity is its metadata,
never its folder name. Archives are untrusted: checked entry by entry, extracted beside the
target, loaded once, moved into place with one rename; a replace is recoverable at every
instant and leftovers of killed runs are cleaned on the next one. Downloads have a total
deadline, a size cap counted in decoded bytes, and plain-words errors ("no internet
connection"). Every install and removal announces ``changes.notify("packs", "zh-en")``.

No Qt here and no argos import (argos reads its settings and creates directories on import);
heavy modules (httpx, hashlib, zipfile, ctranslate2) are imported where used: listing packs
is on the offline engine's first-translation path, so each name is imported on first use.

Modules: :mod:`.installed` (what is there, damage, recovery), :mod:`.archive` (install,
remove), :mod:`.index` (the package index), :mod:`.net` (deadlines, redirects, errors),
:mod:`.download` (one pack, and :func:`download_packs`, the job the dialog and the CLI share).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from companion.engines.base import Cancelled
    from companion.packs.archive import (
        MAX_UNPACKED_BYTES,
        folder_name,
        install_pack,
        remove_pair,
        uninstall_pack,
    )
    from companion.packs.download import (
        DOWNLOAD_DEADLINE,
        MAX_DOWNLOAD_BYTES,
        DownloadProgress,
        DownloadReport,
        Progress,
        download_and_install,
        download_pack,
        download_packs,
    )
    from companion.packs.errors import PackError
    from companion.packs.index import (
        DEFAULT_INDEX_URL,
        INDEX_DEADLINE,
        AvailablePack,
        chinese_english_packs,
        fetch_index,
        parse_index,
        up_to_date,
    )
    from companion.packs.installed import (
        SUPPORTED_PAIRS,
        InstalledPack,
        find_pack,
        list_installed,
        recover,
    )

# Where each name lives, imported on first use (PEP 562): the first translation needs only
# :mod:`.installed` (find_pack), not the downloader and its socket, selectors and index parser.
_HOMES = {
    "Cancelled": "companion.engines.base",
    **dict.fromkeys(
        ("MAX_UNPACKED_BYTES", "folder_name", "install_pack", "remove_pair", "uninstall_pack"),
        "companion.packs.archive",
    ),
    **dict.fromkeys(
        (
            "DOWNLOAD_DEADLINE",
            "MAX_DOWNLOAD_BYTES",
            "DownloadProgress",
            "DownloadReport",
            "Progress",
            "download_and_install",
            "download_pack",
            "download_packs",
        ),
        "companion.packs.download",
    ),
    "PackError": "companion.packs.errors",
    **dict.fromkeys(
        (
            "DEFAULT_INDEX_URL",
            "INDEX_DEADLINE",
            "AvailablePack",
            "chinese_english_packs",
            "fetch_index",
            "parse_index",
            "up_to_date",
        ),
        "companion.packs.index",
    ),
    **dict.fromkeys(
        ("SUPPORTED_PAIRS", "InstalledPack", "find_pack", "list_installed", "recover"),
        "companion.packs.installed",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups (and monkeypatching) see a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


__all__ = [
    "DEFAULT_INDEX_URL",
    "DOWNLOAD_DEADLINE",
    "INDEX_DEADLINE",
    "MAX_DOWNLOAD_BYTES",
    "MAX_UNPACKED_BYTES",
    "SUPPORTED_PAIRS",
    "AvailablePack",
    "Cancelled",
    "DownloadProgress",
    "DownloadReport",
    "InstalledPack",
    "PackError",
    "Progress",
    "chinese_english_packs",
    "download_and_install",
    "download_pack",
    "download_packs",
    "fetch_index",
    "find_pack",
    "folder_name",
    "install_pack",
    "list_installed",
    "parse_index",
    "recover",
    "remove_pair",
    "uninstall_pack",
    "up_to_date",
]
