"""Pipelines and their ordered stages: the default "Sales" pipeline (made on first use), create,
rename and reorder. Stage outcomes: open stages, then one Won and one Lost stage."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wadesk.core.db.pipeline_models import LOST, OPEN, WON, Pipeline, PipelineStage

DEFAULT_PIPELINE = "Sales"
DEFAULT_STAGES = (("New lead", OPEN), ("Contacted", OPEN), ("Interested", OPEN), ("Quote sent", OPEN),
                  ("Won", WON), ("Lost", LOST))


class PipelineError(ValueError):
    """Something the shop owner asked for that cannot be done, in plain words."""


def _clean_name(name: str, what: str) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise PipelineError(f"Give the {what} a name.")
    if len(text) > 100:
        raise PipelineError(f"A {what} name can be at most 100 characters.")
    return text


def ensure_default_pipeline(session: Session, now: datetime) -> Pipeline:
    """The "Sales" pipeline, created with its six stages the first time anything asks for it."""
    p = session.scalar(select(Pipeline).order_by(Pipeline.position, Pipeline.id).limit(1))
    if p is not None:
        return p
    return create_pipeline(session, DEFAULT_PIPELINE, now)


def create_pipeline(session: Session, name: str, now: datetime,
                    stages: Sequence[tuple[str, str]] = DEFAULT_STAGES) -> Pipeline:
    name = _clean_name(name, "pipeline")
    if session.scalar(select(Pipeline.id).where(func.lower(Pipeline.name) == name.lower())):
        raise PipelineError(f"There is already a pipeline called '{name}'.")
    position = (session.scalar(select(func.max(Pipeline.position))) or 0) + 1
    p = Pipeline(name=name, position=position, created_at=now)
    session.add(p)
    session.flush()
    for i, (stage, outcome) in enumerate(stages):
        session.add(PipelineStage(pipeline_id=p.id, name=stage, position=i, outcome=outcome))
    session.flush()
    return p


def list_pipelines(session: Session, now: datetime) -> list[Pipeline]:
    ensure_default_pipeline(session, now)
    return list(session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.id)))


def find_pipeline(session: Session, name_or_id: str | int | None, now: datetime) -> Pipeline:
    """A pipeline by name (any case) or id; the first pipeline when none is given."""
    if name_or_id is None or str(name_or_id).strip() == "":
        return ensure_default_pipeline(session, now)
    ensure_default_pipeline(session, now)
    text = str(name_or_id).strip()
    p = session.scalar(select(Pipeline).where(func.lower(Pipeline.name) == text.lower()))
    if p is None and text.isdigit():
        p = session.get(Pipeline, int(text))
    if p is None:
        raise PipelineError(f"There is no pipeline called '{text}'.")
    return p


def stages_of(session: Session, pipeline_id: int) -> list[PipelineStage]:
    return list(session.scalars(select(PipelineStage).where(PipelineStage.pipeline_id == pipeline_id)
                                .order_by(PipelineStage.position, PipelineStage.id)))


def find_stage(session: Session, pipeline: Pipeline, name_or_id: str | int) -> PipelineStage:
    text = str(name_or_id).strip()
    stages = stages_of(session, pipeline.id)
    for st in stages:
        if st.name.lower() == text.lower():
            return st
    for st in stages:
        if text.isdigit() and st.id == int(text):
            return st
    names = ", ".join(s.name for s in stages)
    raise PipelineError(f"The pipeline '{pipeline.name}' has no stage called '{text}' (stages: {names}).")


def add_stage(session: Session, pipeline_id: int, name: str, before: int | None = None) -> PipelineStage:
    """A new open stage, placed before the stage with id `before` (default: before Won/Lost)."""
    name = _clean_name(name, "stage")
    stages = stages_of(session, pipeline_id)
    if any(s.name.lower() == name.lower() for s in stages):
        raise PipelineError(f"This pipeline already has a stage called '{name}'.")
    at = next((i for i, s in enumerate(stages) if (s.id == before if before else s.outcome != OPEN)), len(stages))
    st = PipelineStage(pipeline_id=pipeline_id, name=name, outcome=OPEN)
    session.add(st)
    stages.insert(at, st)
    for i, s in enumerate(stages):
        s.position = i
    session.flush()
    return st


def rename_stage(session: Session, stage_id: int, name: str) -> PipelineStage:
    name = _clean_name(name, "stage")
    st = session.get(PipelineStage, stage_id)
    if st is None:
        raise PipelineError("That stage no longer exists.")
    if any(s.id != st.id and s.name.lower() == name.lower() for s in stages_of(session, st.pipeline_id)):
        raise PipelineError(f"This pipeline already has a stage called '{name}'.")
    st.name = name
    session.flush()
    return st


def reorder_stages(session: Session, pipeline_id: int, stage_ids: Sequence[int]) -> None:
    """Put the stages in the given order (every stage of the pipeline, each once)."""
    stages = {s.id: s for s in stages_of(session, pipeline_id)}
    if sorted(stage_ids) != sorted(stages):
        raise PipelineError("Give every stage of the pipeline exactly once to reorder them.")
    for i, sid in enumerate(stage_ids):
        stages[sid].position = i
    session.flush()
