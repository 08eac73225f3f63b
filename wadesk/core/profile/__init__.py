"""Customer profile: derived metrics, RFM scores and groups, funnel stage, and why each score is
what it is. Stored in customer_metrics (see wadesk.core.db.profile_models)."""
from wadesk.core.profile.explain import CustomerScores, ScoreLine, customer_scores, last_refreshed, score_lines
from wadesk.core.profile.funnel import STAGES
from wadesk.core.profile.rfm import GROUPS


def __getattr__(name: str):
    # The refresh needs pandas (~60 MB, ~0.5 s to import): loaded only when a refresh runs, so the
    # customer page can show scores without it.
    if name in ("RefreshResult", "refresh_profiles"):
        from wadesk.core.profile import refresh

        return getattr(refresh, name)
    raise AttributeError(name)

__all__ = ["CustomerScores", "GROUPS", "RefreshResult", "STAGES", "ScoreLine", "customer_scores",
           "last_refreshed", "refresh_profiles", "score_lines"]
