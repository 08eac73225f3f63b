"""`wadesk templates sync|list` and `wadesk account set|show|test|sandbox|disconnect` (`connect` = `set`).

Without a connected account (or with the sandbox chosen) these run against the built-in sandbox,
started for the command on a free loopback port, and say so with "sandbox": true.
"""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from wadesk.cli import CliError, command
from wadesk.core.db import Database
from wadesk.core.messaging.account import (AccountConfig, connect, disconnect, load_account, resolve_mode,
                                           secret_store)
from wadesk.core.settings import set_setting
from wadesk.core.messaging.connection import check_connection, open_client, sandbox_state_path
from wadesk.core.messaging.errors import CloudApiError
from wadesk.core.messaging.sandbox import SandboxServer
from wadesk.core.messaging.secrets import (ACCESS_TOKEN, APP_SECRET, KeychainError, KeychainUnavailable,
                                           keychain_status, mask)
from wadesk.core.messaging.templates import describe, list_templates, sync_templates
from wadesk.core.paths import DataDir

_SANDBOX_NOTE = "No WhatsApp account is in use: these are the built-in SANDBOX templates, not real ones."


@contextmanager
def _plain_errors() -> Iterator[None]:
    # Meta and keychain errors are the user's to fix: one line, not a stack trace.
    try:
        yield
    except (CloudApiError, KeychainUnavailable, KeychainError) as exc:
        raise CliError(str(exc)) from None


@contextmanager
def _sandbox_if_needed(db: Database, data_dir: DataDir) -> Iterator[SandboxServer | None]:
    """A sandbox just for this command when the mode is sandbox; its pending statuses and replies
    are kept in the data folder for the next command."""
    with db.session() as s:
        sandbox = resolve_mode(s).sandbox
    if not sandbox:
        yield None
        return
    with SandboxServer(state_path=sandbox_state_path(data_dir.root)) as server:
        yield server


def _configure_templates(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["sync", "list"], help="sync: fetch from WhatsApp; list: show stored")
    p.add_argument("--sendable", action="store_true", help="list only approved templates")


@command("templates", "sync WhatsApp message templates, or list the stored ones", _configure_templates)
def templates(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    with _plain_errors(), _sandbox_if_needed(db, data_dir) as server:
        if args.action == "sync":
            with open_client(db, sandbox=server) as (client, mode):
                result = sync_templates(db, client, sandbox=mode.sandbox)
            out = result.as_json()
            if mode.sandbox:
                out["note"] = _SANDBOX_NOTE
            return out
        with db.session() as s:
            sandbox = resolve_mode(s).sandbox
            rows = list_templates(s, sandbox=sandbox, sendable_only=args.sendable)
            items = [describe(r) for r in rows]
        return {"templates": items, "count": len(items), "sandbox": sandbox}


def _configure_account(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["set", "connect", "show", "test", "sandbox", "disconnect"],
                   help="set (or connect): store the account; show: what is stored, secrets masked; test: read "
                        "the number's name, quality, tier and throughput; sandbox on|off; disconnect: forget it")
    p.add_argument("switch", nargs="?", choices=["on", "off"], default=None, help="sandbox: on or off")
    p.add_argument("--phone-number-id", default=None)
    p.add_argument("--waba-id", default=None)
    p.add_argument("--api-version", default=None)
    p.add_argument("--base-url", default=None)
    p.add_argument("--sandbox", choices=["on", "off"], default=None, help="choose the sandbox even when connected")
    # Never a --token argument: command lines are visible to other programs and kept in shell history.
    p.add_argument("--token-stdin", action="store_true", help="read the access token from standard input")
    p.add_argument("--app-secret-stdin", action="store_true",
                   help="read the app secret from standard input (after the token, one per line)")


@command("account", "connect the shop's WhatsApp account or test the connection", _configure_account)
def account(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    with _plain_errors():
        if args.action == "test":
            with _sandbox_if_needed(db, data_dir) as server:
                return check_connection(db, sandbox=server).as_json()
        if args.action in ("set", "connect"):
            return _connect(args, db)
        if args.action == "sandbox":
            if args.switch is None:
                raise CliError("Say on or off: wadesk account sandbox on|off.")
            with db.session() as s:
                set_setting(s, "whatsapp_sandbox", args.switch == "on")
                mode = resolve_mode(s)
            return {"sandbox": mode.sandbox, "reason": mode.reason}
        if args.action == "disconnect":
            with db.session() as s:
                disconnect(s)
        return _show(db)


def _show(db: Database) -> dict[str, Any]:
    """The stored account; secrets only masked, with where they come from (keychain / environment)."""
    with db.session() as s:
        cfg, mode = load_account(s), resolve_mode(s)
        store = secret_store(s)
        token, token_source = store.lookup(ACCESS_TOKEN)
        try:
            secret, secret_source = store.lookup(APP_SECRET)
        except KeychainError:  # a locked keychain with the token in the environment: still show the rest
            secret, secret_source = None, "keychain locked"
    usable, keychain = keychain_status()
    return {"phone_number_id": cfg.phone_number_id, "waba_id": cfg.waba_id, "api_version": cfg.api_version,
            "base_url": cfg.base_url, "sandbox": mode.sandbox, "sandbox_chosen": cfg.sandbox_chosen,
            "reason": mode.reason, "token_saved": token is not None, "access_token": mask(token),
            "token_source": token_source, "app_secret_saved": secret is not None, "app_secret": mask(secret),
            "app_secret_source": secret_source, "keychain": keychain, "keychain_usable": usable}


def _connect(args: argparse.Namespace, db: Database) -> dict[str, Any]:
    lines = iter(sys.stdin.read().splitlines()) if (args.token_stdin or args.app_secret_stdin) else iter(())
    token = (next(lines, "").strip() or None) if args.token_stdin else None
    secret = (next(lines, "").strip() or None) if args.app_secret_stdin else None
    if args.token_stdin and not token:
        raise CliError("No access token arrived on standard input.")
    with db.session() as s:
        cfg = load_account(s)
        changes = {"phone_number_id": args.phone_number_id, "waba_id": args.waba_id,
                   "api_version": args.api_version, "base_url": args.base_url}
        new = AccountConfig(**{**cfg.__dict__, **{k: v for k, v in changes.items() if v is not None}})
        if args.sandbox is not None:
            new = AccountConfig(**{**new.__dict__, "sandbox_chosen": args.sandbox == "on"})
        if not new.has_ids:
            raise CliError("Give both --phone-number-id and --waba-id (WhatsApp Manager → Phone numbers).")
        saved = connect(s, new, access_token=token, app_secret=secret)  # IDs checked, token to the keychain
        mode = resolve_mode(s)
    return {"connected": not mode.sandbox, "sandbox": mode.sandbox, "reason": mode.reason,
            "phone_number_id": saved.phone_number_id, "waba_id": saved.waba_id,
            "api_version": saved.api_version, "base_url": saved.base_url}
