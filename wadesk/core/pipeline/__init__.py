"""The sales pipeline (issue 9): pipelines and stages, deals and their stage history, lead status
and owners, the board's data and the pipeline report. No Qt here."""
from wadesk.core.pipeline.board import Board, Card, StageInfo, board
from wadesk.core.pipeline.deals import (Move, create_deal, create_order_from_deal, find_customer, move_deal,
                                        open_deal_of, parse_value, remove_order_from_deal, set_deal_fields,
                                        undo_last_move)
from wadesk.core.pipeline.people import (LEAD_STATUSES, check_lead_status, check_owner, set_customer_owner,
                                         set_lead_status, set_staff_names, staff_names)
from wadesk.core.pipeline.stages import (DEFAULT_PIPELINE, DEFAULT_STAGES, PipelineError, add_stage,
                                         create_pipeline, ensure_default_pipeline, find_pipeline, find_stage,
                                         list_pipelines, rename_stage, reorder_stages, stages_of)

__all__ = [
    "Board", "Card", "StageInfo", "board", "Move", "create_deal", "create_order_from_deal", "find_customer",
    "move_deal", "open_deal_of", "parse_value", "remove_order_from_deal", "set_deal_fields", "undo_last_move", "LEAD_STATUSES",
    "check_lead_status", "check_owner", "set_customer_owner", "set_lead_status", "set_staff_names",
    "staff_names", "DEFAULT_PIPELINE", "DEFAULT_STAGES", "PipelineError", "add_stage", "create_pipeline",
    "ensure_default_pipeline", "find_pipeline", "find_stage", "list_pipelines", "rename_stage",
    "reorder_stages", "stages_of",
]
