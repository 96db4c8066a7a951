"""A keyring backend that behaves like a locked Secret Service that cannot show its prompt.

It raises the exceptions keyring's own SecretService backend raises in that state (measured
with a real gnome-keyring started without ``--unlock``): ``InitError`` when the default
collection cannot be created or unlocked, ``KeyringLocked`` when an existing one stays locked.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import InitError, KeyringLocked


class LockedKeyring(KeyringBackend):
    priority = 1

    def __init__(self, error: type[Exception] = InitError) -> None:
        super().__init__()
        self.error = error
        self.calls = 0

    def _fail(self) -> None:
        self.calls += 1
        if self.error is KeyringLocked:
            raise KeyringLocked("Failed to unlock the collection!")
        raise self.error("Failed to create the collection: Prompt dismissed..")

    def get_password(self, service: str, username: str) -> str | None:
        self._fail()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._fail()

    def delete_password(self, service: str, username: str) -> None:
        self._fail()
