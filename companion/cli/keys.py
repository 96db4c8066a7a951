"""``python -m companion keys set|delete|status [ENGINE]``: API keys in the OS keychain.

A key is never taken from the command line (it would land in shell history and ``ps``):
``set`` reads it from stdin when piped, otherwise from a hidden prompt. ``status`` says
whether a key is stored, never what it is.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from companion.cli import CliError


def configure(parser: argparse.ArgumentParser) -> None:
    from companion.engines.registry import ONLINE_ENGINES

    names = list(ONLINE_ENGINES)
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    set_parser = sub.add_parser(
        "set", help="store or replace a key (read from stdin when piped, else a hidden prompt)"
    )
    set_parser.add_argument("engine", choices=names, metavar="ENGINE", help=", ".join(names))
    delete_parser = sub.add_parser("delete", help="remove a stored key")
    delete_parser.add_argument("engine", choices=names, metavar="ENGINE", help=", ".join(names))
    status_parser = sub.add_parser("status", help="show whether keys are stored (never the key)")
    status_parser.add_argument(
        "engine", nargs="?", choices=names, metavar="ENGINE", help="default: all engines"
    )


def _read_key(label: str) -> str:
    if sys.stdin is not None and not sys.stdin.isatty():
        data = sys.stdin.buffer.read()
        try:
            return data.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise CliError("the key on stdin is not text", 2) from None
    try:
        return getpass.getpass(f"{label} API key (hidden): ").strip()
    except EOFError:
        return ""


def run(args: argparse.Namespace) -> int:
    from companion import secrets
    from companion.engines.registry import ONLINE_ENGINES

    try:
        if args.action == "status":
            status = secrets.backend_status()
            if not status.usable:
                raise CliError(status.message, 3)
            names = [args.engine] if args.engine else list(ONLINE_ENGINES)
            for name in names:
                spec = ONLINE_ENGINES[name]
                if secrets.has_key(name):
                    state = "key stored"
                elif spec.needs_key:
                    state = "no key stored"
                else:
                    state = "no key stored (optional)"
                print(f"{name:<15} {state}")
            print(f"keychain: {status.backend}", file=sys.stderr)
            return 0
        spec = ONLINE_ENGINES[args.engine]
        if args.action == "set":
            status = secrets.backend_status()  # fail before prompting if there is none
            if not status.usable:
                raise CliError(status.message, 3)
            key = _read_key(spec.label)
            try:
                secrets.set_key(args.engine, key)
            except ValueError as exc:
                raise CliError(f"key not stored: {exc}", 2) from None
            print(f"{spec.label}: key stored in the system keychain")
            return 0
        if secrets.delete_key(args.engine):
            print(f"{spec.label}: key deleted")
        else:
            print(f"{spec.label}: no key was stored")
        return 0
    except secrets.SecretsUnavailable as exc:
        raise CliError(str(exc), 3) from None
    except secrets.SecretsError as exc:
        raise CliError(str(exc), 1) from None
