"""Training errors, each with a stable code."""

from __future__ import annotations

from devcell.core.errors import DevCellError, NotFound, ValidationFailed


class PlanNotFound(NotFound):
    """Also for plans of projects the caller cannot see: ids must not leak."""

    code = "training_plan_not_found"

    def __init__(self, plan_id: int) -> None:
        super().__init__(f"There is no training plan with id {plan_id}, or you cannot see its project.")


class UnitNotFound(NotFound):
    code = "training_unit_not_found"

    def __init__(self, plan_id: int, unit_id: int) -> None:
        super().__init__(f"Training plan {plan_id} has no unit with id {unit_id}.")


class PlanFull(ValidationFailed):
    code = "training_plan_full"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"A training plan holds at most {limit} units; make a second plan for the rest.",
            detail=[{"field": "units", "message": f"at most {limit} units per plan"}],
        )


class RoadmapTooLarge(DevCellError):
    """Not even the first part of the roadmap fits the prompt budget."""

    status = 413
    code = "roadmap_too_large"

    def __init__(self, context_tokens: int, budget: int) -> None:
        super().__init__(
            f"No part of the roadmap fits the model's context (llm_context_tokens = {context_tokens} leaves "
            f"about {budget} tokens for the roadmap). Split the roadmap into smaller sections, or ask an "
            "administrator to raise llm_context_tokens if the model's context is larger.",
            detail={"context_tokens": context_tokens, "budget": budget},
        )
