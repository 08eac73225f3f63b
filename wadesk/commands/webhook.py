"""`wadesk webhook serve|import|drain|token`: statuses, replies and opt-outs from WhatsApp.

    serve   listen for Meta's webhooks (behind a tunnel) until Ctrl-C; prints what was received
    import  FILE: a webhook dump (JSON array, JSON lines, one payload, a relay's export)
    drain   the built-in sandbox's simulated statuses and replies (--everything: due or not)
    token   show the verify token to type into Meta's App Dashboard (--regenerate: make a new one)
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from wadesk.cli import CliError, command
from wadesk.core.db import Database
from wadesk.core.paths import DataDir


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["serve", "import", "drain", "token"],
                   help="serve: receive webhooks; import FILE: a webhook dump; drain: sandbox events; "
                        "token: the verify token")
    p.add_argument("file", nargs="?", help="the dump to import")
    p.add_argument("--port", type=int, default=None, help="port to listen on (default: the saved setting, 8787)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer)")
    p.add_argument("--seconds", type=float, default=None, help="serve: stop by itself after this many seconds")
    p.add_argument("--everything", action="store_true", help="drain: all pending sandbox events, due or not")
    p.add_argument("--regenerate", action="store_true", help="token: make a new verify token")


@command("webhook", "receive WhatsApp statuses, replies and opt-outs (serve, import a dump, drain the sandbox)",
         _configure)
def webhook(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    from wadesk.core.webhooks import config  # registers the receiver's settings

    if args.action == "import":
        return _import(args, db)
    if args.action == "drain":
        return _drain(args, db, data_dir)
    if args.action == "token":
        with db.session() as s:
            token = config.verify_token(s, regenerate=args.regenerate)
        return {"verify_token": token, "regenerated": bool(args.regenerate)}
    return _serve(args, db, data_dir)


def _import(args: argparse.Namespace, db: Database) -> dict[str, Any]:
    from wadesk.core.webhooks import ingest_batch
    from wadesk.core.webhooks.dumps import read_dump

    if not args.file:
        raise CliError("Say which file to import: wadesk webhook import FILE")
    payloads = read_dump(args.file)  # DumpError is a ValueError: one plain line
    return ingest_batch(db, payloads, source="import").as_json()


def _drain(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    from wadesk.core.messaging.connection import sandbox_state_path
    from wadesk.core.messaging.sandbox import SandboxServer
    from wadesk.core.webhooks.sandbox import drain_sandbox

    with SandboxServer(state_path=sandbox_state_path(data_dir.root)) as server:
        result = drain_sandbox(db, server, everything=args.everything)
        left = server.events.pending_count()
    return {**result.as_json(), "pending": left, "sandbox": True}


def _serve(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    from wadesk.core.messaging.secrets import KeychainError
    from wadesk.core.webhooks import config
    from wadesk.core.webhooks.receiver import WebhookReceiver

    try:
        with db.session() as s:
            secret = config.app_secret(s)
            token = config.verify_token(s)
            port = config._port(args.port) if args.port is not None else config.receiver_port(s)
    except (config.ReceiverNotReady, KeychainError) as exc:
        raise CliError(str(exc)) from None
    receiver = WebhookReceiver(db, app_secret=secret, verify_token=token, inbox=config.inbox_path(data_dir.root),
                               host=args.host, port=port)
    try:
        receiver.start()
    except OSError as exc:
        raise CliError(str(exc)) from None
    stop = threading.Event()
    main = threading.current_thread() is threading.main_thread()  # signals can only be caught there
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if main else None
    print(f"Receiving WhatsApp webhooks at {receiver.url} (verify token: {token}). "
          "Point your tunnel here; Ctrl-C stops.", file=sys.stderr, flush=True)
    try:
        stop.wait(args.seconds)
    except KeyboardInterrupt:
        pass
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        receiver.stop()
    return {**receiver.stats.as_json(), "port": receiver.port, "left_in_inbox": len(receiver.inbox.pending())}
