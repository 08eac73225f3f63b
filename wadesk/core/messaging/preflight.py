"""Pre-flight: render every recipient before sending and list those that would fail, by reason.

Takes recipients as (customer_id, phone, context) from whoever resolved the audience (the segment
engine for campaigns, `bulk_contexts` for a list of ids), so the same check serves the wizard,
`wadesk campaign preflight` and the campaign freeze. Runs off the UI thread: progress + cancel.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from wadesk.core.jobs import CancelledFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from wadesk.core.messaging.mapping import TemplateMapping, ValueResolver, check_mapping
from wadesk.core.messaging.media import check_media
from wadesk.core.messaging.render import Problem, Renderer, template_problems

_E164 = re.compile(r"\+[1-9]\d{7,14}")
REASONS = {
    "missing_value": "A variable has no value and no fallback",
    "no_discount_code": "No discount code left",
    "bad_value": "A value can't be shown in the chosen format",
    "body_too_long": "Message longer than 1,024 characters",
    "header_too_long": "Header longer than 60 characters",
    "invalid_url_suffix": "Invalid link ending",
    "missing_media": "Header media missing or not accepted",
    "invalid_phone": "No valid WhatsApp number",
}


def valid_phone(phone: str | None) -> bool:
    """An E.164 number (what the customer table stores for a number WhatsApp can reach)."""
    return bool(phone) and _E164.fullmatch(phone) is not None


@dataclass
class PreflightResult:
    recipients: int = 0
    ok: int = 0
    problems: Counter = field(default_factory=Counter)  # reason -> recipients affected
    customers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # reason -> ids
    template_problems: list[Problem] = field(default_factory=list)  # the mapping/template itself

    @property
    def failing_ids(self) -> set[int]:
        """Everyone with at least one problem: what "exclude them" removes."""
        return {cid for ids in self.customers.values() for cid in ids}

    def as_json(self) -> dict[str, Any]:
        return {"recipients": self.recipients, "ok": self.ok, "problems": dict(self.problems),
                "template_problems": [p.message for p in self.template_problems]}


def run_preflight(
    spec: Any,
    mapping: TemplateMapping,
    recipients: Iterable[tuple[int, str | None, Mapping[str, Any]]],
    *,
    codes_available: Mapping[str, int] | None = None,
    progress: ProgressFn = no_progress,
    cancelled: CancelledFn = never_cancelled,
    total: int = 0,
) -> PreflightResult:
    """Check every recipient. Discount codes: contexts need not carry them; instead each pool's
    free count (`codes_available`) is handed out in order, and recipients beyond it are reported."""
    result = PreflightResult(template_problems=template_problems(spec) + [
        p for p in check_mapping(spec, mapping) if p.code != "missing_media"])
    media_problem = check_media(mapping.header_media, spec.media_header) if spec.media_header else None
    if media_problem:
        result.template_problems.append(media_problem)
    resolver, renderer = ValueResolver(spec, mapping), Renderer(spec)
    pools = {m.name for m in mapping.variables.values() if m.source == "discount_code"}
    left = {p: (codes_available or {}).get(p, 0) for p in pools}
    n_vars = len(spec.variables())
    for i, (cid, phone, context) in enumerate(recipients):
        if i % 2000 == 0:
            check_cancelled(cancelled)
            progress(i, total, "Checking every message")
        reasons: set[str] = set()
        if pools:
            context = dict(context)
            for pool in pools:
                key = f"discount_code.{pool}"
                if not context.get(key) and left[pool] > 0:  # a code already assigned counts as given
                    context[key] = "CODE-PREVIEW"
                    left[pool] -= 1
        values, problems = resolver.resolve(context)
        reasons.update(p.code for p in problems)
        codes = renderer.check(values)
        if codes:
            if "missing_value" in codes and len(values) + len(problems) == n_vars:
                codes.discard("missing_value")  # already reported by the resolver, more precisely
            reasons.update(codes)
        if media_problem:
            reasons.add("missing_media")
        if not valid_phone(phone):
            reasons.add("invalid_phone")
        result.recipients += 1
        if reasons:
            for r in reasons:
                result.problems[r] += 1
                result.customers[r].append(cid)
        else:
            result.ok += 1
    progress(result.recipients, result.recipients, "Checked")
    return result


def preflight_customers(session: Any, spec: Any, mapping: TemplateMapping, customer_ids: Iterable[int], *,
                        now: Any = None, progress: ProgressFn = no_progress,
                        cancelled: CancelledFn = never_cancelled) -> PreflightResult:
    """Pre-flight for customer ids (the segment engine's audience): contexts in bulk, code pools'
    free counts from the database."""
    from wadesk.core.messaging.context import bulk_contexts, context_keys
    from wadesk.core.messaging.discount_codes import available

    ids = list(customer_ids)
    codes = {m.name: available(session, m.name) for m in mapping.variables.values() if m.source == "discount_code"}
    return run_preflight(spec, mapping, bulk_contexts(session, ids, now, keys=context_keys(mapping)),
                         codes_available=codes, progress=progress, cancelled=cancelled, total=len(ids))
