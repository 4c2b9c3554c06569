"""The "needs a new owner" list, where a head of PDU or director reassigns a leaver's work."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.handover import services
from tracker.handover.blueprint import bp
from tracker.handover.forms import ReassignForm
from tracker.shared.access import signed_in
from tracker.templating import add_home_panel, pluralise
from tracker.whole_numbers import record_id

HOME_PANEL = "handover/_home-panel.html"
bp.record_once(lambda state: add_home_panel(state.app, HOME_PANEL))


@bp.app_context_processor
def handover_hooks():
    return {"unowned_work": lambda: services.unowned_work(current_user)}


@bp.route("/needs-a-new-owner", methods=["GET", "POST"])
@signed_in
def reassign_work():
    """Everyone signed in may open it; it lists only the work they may reassign (none for most people), or with
    `?leaver=<user id>` only the work one person left (the deactivation banner links there)."""
    leaver_id = record_id(request.args.get("leaver"))
    everything = services.unowned_work(current_user)
    items = [item for item in everything if item.leaver.id == leaver_id] if leaver_id else everything
    leaver = items[0].leaver if leaver_id and items else None
    form = ReassignForm()
    form.items.choices = [(item.key, item.label) for item in items]
    form.new_owner_id.choices = [("", "Select the new owner"), *services.owner_choices(items)]
    form.choose_all_if_asked([item.key for item in items])
    if form.validate_on_submit():
        assert form.items.data is not None  # DataRequired
        try:
            done = services.reassign(current_user, form.items.data, form.new_owner_id.data)
        except services.HandoverError as error:
            form.items.errors = [str(error)]
        else:
            flash(reassigned_message(done), "success")
            return redirect(url_for("handover.reassign_work", leaver=leaver_id))
    return render_template(
        "handover/reassign.html",
        form=form,
        items=items,
        leaver=leaver,
        filtered=bool(leaver_id),
        others=len(everything) - len(items),
    )


def reassigned_message(done: services.Reassigned) -> str:
    message = f"{pluralise(len(done.items), 'item')} reassigned. The new owner has been emailed."
    if done.notifications_passed:
        leavers = {item.leaver.id: item.leaver.name for item in done.items}
        whom = next(iter(leavers.values())) if len(leavers) == 1 else "the people who had it"
        message += (
            f" {pluralise(done.notifications_passed, 'notification')} about it that had not yet reached {whom} "
            f"will go to the new owner instead."
        )
    return message
