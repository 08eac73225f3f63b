"""Campaigns: the send policy (settings frozen into each campaign), what a send costs and when it
pays for itself, when messages may go out (quiet hours, the daily tier plan), the holdout split,
and the engine that freezes a campaign into ledger rows and sends them at a paced rate.

Map (import the module you need; this package imports nothing so the CLI stays quick):
  policy.py    sending settings (quiet hours, caps, opt-in, rate, margin, rate card) and SendPolicy
  pricing.py   RateCard, estimate_cost, break_even, shop_aov
  schedule.py  in_quiet_hours, next_send_time, plan_days / assign_slots (tier plan), eta_seconds
  holdout.py   in_holdout / holdout_mask: the stable hash that keeps a share of the audience out
  freeze.py, ledger.py, sender.py, pacing.py, lease.py   the send engine (see docs/CAMPAIGNS.md)
"""
