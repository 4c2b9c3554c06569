"""What the recommendation, action and home pages show about assurance, gathered for their template hooks."""

from dataclasses import dataclass, field

from tracker.assurance import dependencies, rules, services
from tracker.assurance.forms import DependencyForm, RemoveDependencyForm
from tracker.auth.permissions import can_edit_action
from tracker.recommendations.status import action_status, latest_submission


@dataclass
class RecommendationPanel:
    submission: object
    can_submit: bool
    can_review: bool
    can_reopen: bool
    missing: list[str]
    #: why the current user may not review although they hold the reviewer role
    conflict: str | None
    decisions: dict = field(default_factory=dict)
    #: may take the open submission back to change what it vouched for
    can_withdraw: bool = False


def recommendation_panel(user, recommendation) -> RecommendationPanel:
    submission = latest_submission(recommendation)
    open_submission = services.open_submission(recommendation)
    reviewer = open_submission is not None and rules.holds_reviewer_role(user, recommendation)
    return RecommendationPanel(
        submission=submission,
        can_submit=rules.can_submit(user, recommendation)
        and open_submission is None
        and not (submission is not None and submission.state == "assured"),
        can_review=reviewer and rules.conflict_of_interest(user, recommendation, open_submission) is None,
        can_reopen=services.can_reopen(user, recommendation),
        missing=services.missing_for_submission(recommendation),
        conflict=rules.conflict_of_interest(user, recommendation, open_submission) if reviewer else None,
        decisions=services.latest_decisions(recommendation) if submission is not None else {},
        can_withdraw=open_submission is not None and services.may_withdraw(user, recommendation),
    )


@dataclass
class DependencyPanel:
    blockers: list
    dependents: list
    can_edit: bool
    form: DependencyForm | None
    remove_form: RemoveDependencyForm


def dependency_panel(user, action, on, form: DependencyForm | None = None) -> DependencyPanel:
    editable = can_edit_action(user, action)
    if editable and form is None:
        form = DependencyForm(formdata=None)
    if form is not None:
        form.blocker_id.choices = [(0, "Choose an action")] + [
            (candidate.id, dependencies.describe(candidate)) for candidate in dependencies.candidate_blockers(action)
        ]
    blockers = [(dep, action_status(dep.blocker, on)) for dep in dependencies.blockers_of(action)]
    return DependencyPanel(
        blockers=blockers,
        dependents=dependencies.dependents_of(action),
        can_edit=editable,
        form=form if editable else None,
        remove_form=RemoveDependencyForm(formdata=None),
    )
