"""WhatsApp webhooks: delivery statuses, replies and opt-outs into the send ledger and the CRM.

Three ways in, one ingestion function (`ingest`): the local receiver (`receiver.py`, behind a
tunnel), imports of webhook dumps (`dumps.py`) and the sandbox's simulated events (`sandbox.py`).
See docs/WEBHOOKS.md.
"""
from wadesk.core.webhooks.ingest import IngestResult, ingest, ingest_batch

__all__ = ["IngestResult", "ingest", "ingest_batch"]
