"""The three pipelines: which agent roles run in which order, what each writes, and its system prompt."""

from __future__ import annotations

from dataclasses import dataclass

from devcell import prompt_texts


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    artifact: str
    task: str  # what this role does, in the second person


@dataclass(frozen=True)
class Pipeline:
    id: str
    name: str
    description: str
    purpose: str  # what the team of agents works on, for every role's system prompt
    roles: tuple[Role, ...]

    @property
    def artifacts(self) -> list[str]:
        return [role.artifact for role in self.roles]


TASKS_ARTIFACT = "tasks"
REPORTER = Role(
    "reporter", "Reporter", "summary",
    "Write a brief for the team lead from the previous agents' outputs.\n"
    "Use at most seven bullet points: the decisions, the risks and the next steps.",
)  # fmt: skip

PIPELINES: dict[str, Pipeline] = {
    p.id: p
    for p in (
        Pipeline(
            "feature", "Feature planning",
            "From a feature idea to a user story, a design, tasks, a test plan and a brief.",
            "planning a new feature for a small software team",
            (
                Role("product_owner", "Product owner", "user_story",
                     "Write the user story: who wants what and why, and numbered acceptance criteria."),
                Role("architect", "Architect", "design",
                     "Propose a design that meets the story: components, data, interfaces, trade-offs and risks."),
                Role("planner", "Planner", TASKS_ARTIFACT,
                     "Break the design into tasks.\n"
                     "Write each task as one Markdown list item ('- ') starting with a short imperative title.\n"
                     "Keep titles under 100 characters; put any detail on the same line after ' - '.\n"
                     "No nested lists."),
                Role("tester", "Tester", "test_plan",
                     "Write a test plan: the cases that prove the acceptance criteria, edge cases and failure "
                     "cases, and what to automate."),
                REPORTER,
            ),
        ),
        Pipeline(
            "pr_review", "PR review",
            "Review a change from several angles: findings, security, tests, refactoring and a brief.",
            "reviewing a pull request (a code change) for a small software team",
            (
                Role("code_reviewer", "Code reviewer", "review_findings",
                     "Review the change for correctness, readability and maintainability; list findings with "
                     "their severity and where they are."),
                Role("security_reviewer", "Security reviewer", "security_findings",
                     "Review the change for security problems: input handling, injection, authentication and "
                     "authorisation,\nsecrets, dependencies.\nSay clearly when you find none."),
                Role("tester", "Tester", "test_plan",
                     "Write the tests this change needs: cases, edge cases and regressions to guard against."),
                Role("refactor_planner", "Refactor planner", "refactor_plan",
                     "Plan the refactoring the findings call for, as small ordered steps."),
                REPORTER,
            ),
        ),
        Pipeline(
            "bug_triage", "Bug triage",
            "From a bug report to triage, root cause, a fix plan, regression tests and a brief.",
            "triaging a bug report for a small software team",
            (
                Role("triage", "Triage", "triage",
                     "Triage the report: a one-line restatement, severity and impact,\n"
                     "what is known, what information is missing, and how to reproduce it."),
                Role("root_cause", "Root-cause analyst", "root_cause",
                     "Work out the most likely root causes, each with the evidence for it and how to confirm it."),
                Role("fix_planner", "Fix planner", "fix_plan",
                     "Plan the fix as ordered steps, with the risks of each and how to roll back."),
                Role("regression_tester", "Regression tester", "regression_tests",
                     "Write the regression tests that would have caught this bug and prove the fix."),
                REPORTER,
            ),
        ),
    )
}  # fmt: skip


def system_prompt(pipeline: Pipeline, role: Role) -> str:
    """`role: <id>` near the start names the role plainly (logs and tests look for it)."""
    return prompt_texts.WORKFLOW_SYSTEM.format(
        name=role.name, role_id=role.id, purpose=pipeline.purpose, task=role.task
    )
