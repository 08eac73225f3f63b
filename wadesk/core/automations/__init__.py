"""Automations (issue 8): flows on the segment engine and the send ledger.

definition.py  what a flow is (entry rules, steps, waits, exits, re-entry, holdout), validated
recipes.py     ready-made flows (abandoned cart, COD → prepaid, cross-sell, welcome, offer, win-back, review)
flows.py       add / list / switch on and off / edit
runner.py      one pass: enrol, exit, queue due steps, send (the campaign engine's LedgerSender); dry run
"""
