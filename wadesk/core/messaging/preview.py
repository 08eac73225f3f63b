"""What the preview bubble shows for one recipient, built from the same pieces as a real send:
mapping → context → values → renderer. Qt-free: the bubble widget only lays this out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy.orm import Session

from wadesk.core.db.models import Customer
from wadesk.core.messaging.context import customer_context
from wadesk.core.messaging.discount_codes import peek_code
from wadesk.core.messaging.formatting import whatsapp_to_html
from wadesk.core.messaging.mapping import TemplateMapping, check_mapping, resolve_values
from wadesk.core.messaging.media import check_media, is_link
from wadesk.core.messaging.preflight import valid_phone
from wadesk.core.messaging.render import Problem, Rendered, Renderer, example_values
from wadesk.core.messaging.template_spec import TemplateSpec

PLACEHOLDER_TO = "+910000000000"


@dataclass
class Preview:
    rendered: Rendered
    problems: list[Problem] = field(default_factory=list)  # mapping, value and render problems together
    header_media_path: str | None = None  # a local file to show as the thumbnail

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def body_html(self) -> str:
        return whatsapp_to_html(self.rendered.body)

    @property
    def header_html(self) -> str | None:
        return whatsapp_to_html(self.rendered.header_text) if self.rendered.header_text else None

    @property
    def json_text(self) -> str:
        """The exact request body, pretty-printed, for the "show JSON" toggle."""
        return json.dumps(self.rendered.payload, ensure_ascii=False, indent=2)


def _media(spec: TemplateSpec, source: str | Mapping[str, str] | None
           ) -> tuple[dict[str, str] | None, str | None, list[Problem]]:
    if not spec.media_header:
        return None, None, []
    problem = check_media(source, spec.media_header)
    if problem or not source:
        return None, None, [problem] if problem else []
    if isinstance(source, Mapping):  # uploaded already: {"id": ...}
        return dict(source), None, []
    if is_link(source):
        return {"link": source.strip()}, None, []
    # A local file is uploaded at send time; the preview shows where its id will go.
    return {"id": "<uploaded when sending>"}, str(Path(source).expanduser()), []


def preview_values(spec: TemplateSpec, values: Mapping[str, Any] | None = None, *, to: str = PLACEHOLDER_TO,
                   header_media: str | None = None) -> Preview:
    """The Templates page: Meta's example values (or given ones), no customer needed."""
    media, path, problems = _media(spec, header_media or (spec.header.example if spec.media_header else None))
    rendered = Renderer(spec).render(values if values is not None else example_values(spec), to=to,
                                     header_media=media)
    return Preview(rendered, _merge(problems, rendered.problems), path)


def preview_for_customer(session: Session, spec: TemplateSpec, mapping: TemplateMapping, customer: Customer, *,
                         now: datetime | None = None) -> Preview:
    """The campaign wizard: this customer's message exactly as it would be sent (discount codes
    show the next free code; nothing is assigned)."""
    context = customer_context(session, customer, now)
    for m in mapping.variables.values():
        if m.source == "discount_code" and m.context_key not in context:
            context[m.context_key] = peek_code(session, m.name)
    problems = [p for p in check_mapping(spec, mapping) if p.code != "missing_media"]
    values, value_problems = resolve_values(spec, mapping, context)
    media, path, media_problems = _media(spec, mapping.header_media)
    to = customer.phone or PLACEHOLDER_TO
    if not valid_phone(customer.phone):
        problems.append(Problem("invalid_phone", "This customer has no WhatsApp number." if not customer.phone
                                else f"{customer.phone} is not a valid WhatsApp number."))
    rendered = Renderer(spec).render(values, to=to, header_media=media)
    return Preview(rendered, _merge(problems + value_problems + media_problems, rendered.problems), path)


def _merge(first: list[Problem], render_problems: list[Problem]) -> list[Problem]:
    """One problem per cause: the renderer's generic "missing" ones give way to the specific ones."""
    keys = {p.key for p in first if p.key}
    media = any(p.code == "missing_media" for p in first)
    return first + [p for p in render_problems
                    if not (p.code == "missing_value" and p.key in keys) and not (p.code == "missing_media" and media)]
