"""API keys in the OS keychain, behind five small functions.

Keys live only in the system keychain (macOS Keychain, Windows Credential Locker, the Secret
Service on Linux: gnome-keyring or KWallet) under one service name, with the engine name as
the user name. They are never written to settings, logs or messages. When no keychain is
usable we refuse with :class:`SecretsUnavailable` instead of silently storing plain text.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import keyring
import keyring.errors

SERVICE = "Companion"
T = TypeVar("T")

# Backends that "work" but keep keys in plain text or not at all: never used silently.
_REFUSED_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class SecretsError(Exception):
    """The keychain failed; the message is safe to show and never contains a key."""


class SecretsUnavailable(SecretsError):
    """No usable keychain on this system; the message says what to install."""


@dataclass(frozen=True)
class BackendStatus:
    usable: bool
    backend: str  # e.g. "SecretService Keyring"
    message: str  # plain words for Settings and `keys status`


def _install_hint() -> str:
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return (
            "no usable keychain: Companion keeps API keys only in the system keychain. "
            "Install a Secret Service provider - gnome-keyring (e.g. `sudo apt install "
            "gnome-keyring`) or KWallet with its Secret Service enabled - and log in again "
            "so it is running and unlocked. Keys are never stored in plain text."
        )
    return (
        "no usable keychain: Companion keeps API keys only in the system keychain, "
        "which did not answer. Keys are never stored in plain text."
    )


def _backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


def _refused(backend: object) -> bool:
    module = type(backend).__module__
    if any(module == name or module.startswith(name + ".") for name in _REFUSED_BACKENDS):
        return True
    chained = getattr(backend, "backends", None)  # ChainerBackend: usable if any member is
    if chained is not None:
        return not any(not _refused(member) for member in chained)
    return False


def _backend() -> keyring.backend.KeyringBackend:
    backend = keyring.get_keyring()
    if _refused(backend):
        raise SecretsUnavailable(_install_hint())
    return backend


def backend_status() -> BackendStatus:
    """Whether keys can be stored here, and which keychain holds them."""
    backend = keyring.get_keyring()
    name = _backend_name(backend)
    if _refused(backend):
        return BackendStatus(False, name, _install_hint())
    label = getattr(backend, "name", name)
    return BackendStatus(True, str(label), f"keys are stored in the system keychain ({label})")


def _check_engine(engine: str) -> None:
    if not engine or not engine.isascii() or not engine.replace("_", "").isalnum():
        raise ValueError("engine names are short ASCII words such as 'deepl'")


def clean_key(key: str) -> str:
    """The key without surrounding whitespace; ValueError (never echoing it) if malformed.

    API keys are printable ASCII with no inner spaces; anything else is a paste mistake that
    would otherwise fail later inside an HTTP header.
    """
    key = key.strip()
    if not key:
        raise ValueError("the key is empty")
    if not all(33 <= ord(ch) < 127 for ch in key):
        raise ValueError(
            "the key contains spaces, line breaks or non-ASCII characters; "
            "copy it again from the provider's console"
        )
    if len(key) > 4096:
        raise ValueError("the key is longer than any API key (over 4096 characters)")
    return key


def _call(action: str, fn: Callable[..., T], *args: object) -> T:
    try:
        return fn(*args)
    except keyring.errors.NoKeyringError:
        raise SecretsUnavailable(_install_hint()) from None
    except keyring.errors.KeyringLocked:
        raise SecretsUnavailable(
            f"could not {action}: the keychain is locked; unlock it and try again"
        ) from None
    except keyring.errors.KeyringError as exc:
        raise SecretsError(f"could not {action}: {type(exc).__name__}") from None
    except Exception as exc:  # D-Bus and OS errors from backends; never chain the key
        raise SecretsError(f"could not {action}: {type(exc).__name__}") from None


def get_key(engine: str) -> str | None:
    """The stored key for ``engine``, or None if there is none."""
    _check_engine(engine)
    backend = _backend()
    value = _call("read the key", backend.get_password, SERVICE, engine)
    return value if isinstance(value, str) and value else None


def set_key(engine: str, key: str) -> None:
    """Store (or replace) the key for ``engine`` in the keychain."""
    _check_engine(engine)
    key = clean_key(key)
    backend = _backend()
    _call("store the key", backend.set_password, SERVICE, engine, key)


def delete_key(engine: str) -> bool:
    """Remove the key; False if there was none."""
    _check_engine(engine)
    backend = _backend()
    if _call("read the key", backend.get_password, SERVICE, engine) is None:
        return False
    return _call("delete the key", _delete, backend, engine)


def _delete(backend: keyring.backend.KeyringBackend, engine: str) -> bool:
    try:
        backend.delete_password(SERVICE, engine)
    except keyring.errors.PasswordDeleteError:
        return False
    return True


def has_key(engine: str) -> bool:
    """Whether a key is stored, without handing the key to the caller."""
    return get_key(engine) is not None
