"""API keys in the OS keychain, behind five small functions.

Keys live only in the system keychain (macOS Keychain, Windows Credential Locker, the Secret
Service on Linux: gnome-keyring or KWallet) under one service name, with the engine name as
the user name. They are never written to settings, logs or messages: every key read or stored
is registered with :mod:`companion.scrubber`, so it is scrubbed from anything shown or logged.
When no keychain is usable we refuse with :class:`SecretsUnavailable` (what to install) or
:class:`KeychainLocked` (how to unlock it) instead of silently storing plain text.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import keyring
import keyring.errors

from companion import scrubber

SERVICE = "Companion"
T = TypeVar("T")
_log = logging.getLogger(__name__)

# Backends that "work" but keep keys in plain text or not at all: never used silently.
_REFUSED_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class SecretsError(Exception):
    """The keychain failed; the message is safe to show and never contains a key."""


class SecretsUnavailable(SecretsError):
    """No usable keychain on this system; the message says what to install."""


class KeychainLocked(SecretsUnavailable):
    """The keychain exists but is locked and could not ask to be unlocked (no prompt)."""


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


def _unlock_hint() -> str:
    """How to unlock the keychain on this platform, in the words its own tools use."""
    if sys.platform == "darwin":
        return (
            'Open Keychain Access, select the "login" keychain and choose '
            'File > Unlock Keychain "login"'
        )
    if sys.platform == "win32":
        return "Sign in to Windows again so the Credential Manager is available"
    return (
        "Unlock it in your desktop's password manager: on GNOME open Passwords and Keys "
        "(Seahorse) and unlock the Login keyring (create one there if there is none); on KDE "
        "open KWalletManager and open the wallet. Logging in to the desktop with your "
        "password normally unlocks it"
    )


def locked_message(action: str) -> str:
    """The message for a locked keychain that could not prompt (public for the UI's tests)."""
    return (
        f"could not {action}: the system keychain is locked and Companion could not ask you "
        f"to unlock it (no unlock prompt could be shown). {_unlock_hint()}, then try again."
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
    """``fn(*args)`` with every backend failure turned into plain words.

    The exception's own text is never shown or chained (it may hold D-Bus paths or, from a
    careless backend, the key); only its type goes to the log.
    """
    try:
        return fn(*args)
    except keyring.errors.NoKeyringError:
        _log.warning("keychain: no backend to %s", action)
        raise SecretsUnavailable(_install_hint()) from None
    except (keyring.errors.KeyringLocked, keyring.errors.InitError) as exc:
        # Secret Service: InitError when the default collection is missing or locked and the
        # prompt to create or unlock it was dismissed (no prompter: SSH, headless, no desktop).
        _log.warning("keychain locked: could not %s (%s)", action, type(exc).__name__)
        raise KeychainLocked(locked_message(action)) from None
    except keyring.errors.KeyringError as exc:
        _log.warning("keychain error: could not %s (%s)", action, type(exc).__name__)
        raise SecretsError(
            f"could not {action}: the system keychain refused ({type(exc).__name__})"
        ) from None
    except Exception as exc:  # D-Bus and OS errors from backends; never chain the key
        _log.warning("keychain failure: could not %s (%s)", action, type(exc).__name__)
        raise SecretsError(
            f"could not {action}: the system keychain did not answer ({type(exc).__name__}); "
            "check that it is running and try again"
        ) from None


def get_key(engine: str) -> str | None:
    """The stored key for ``engine``, or None if there is none."""
    _check_engine(engine)
    backend = _backend()
    value = _call("read the key", backend.get_password, SERVICE, engine)
    if isinstance(value, str) and value:
        scrubber.register(value)
        return value
    return None


def set_key(engine: str, key: str) -> None:
    """Store (or replace) the key for ``engine`` in the keychain."""
    _check_engine(engine)
    key = clean_key(key)
    scrubber.register(key)
    backend = _backend()
    _call("store the key", backend.set_password, SERVICE, engine, key)
    _log.info("keychain: key for %s stored", engine)


def delete_key(engine: str) -> bool:
    """Remove the key; False if there was none."""
    _check_engine(engine)
    backend = _backend()
    existing = _call("read the key", backend.get_password, SERVICE, engine)
    if existing is None:
        return False
    scrubber.register(existing)  # it may still be in use by an engine built earlier
    deleted = _call("delete the key", _delete, backend, engine)
    _log.info("keychain: key for %s deleted", engine)
    return deleted


def _delete(backend: keyring.backend.KeyringBackend, engine: str) -> bool:
    try:
        backend.delete_password(SERVICE, engine)
    except keyring.errors.PasswordDeleteError:
        return False
    return True


def has_key(engine: str) -> bool:
    """Whether a key is stored, without handing the key to the caller."""
    return get_key(engine) is not None
