"""The "needs a new owner" list, where a head of PDU or director reassigns a leaver's work."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.handover import services
from tracker.handover.blueprint import bp
from tracker.handover.forms import ReassignForm
from tracker.shared.access import signed_in
from tracker.templating import add_home_panel

HOME_PANEL = "handover/_home-panel.html"
bp.record_once(lambda state: add_home_panel(state.app, HOME_PANEL))


@bp.app_context_processor
def handover_hooks():
    return {"unowned_work": lambda: services.unowned_work(current_user)}


@bp.route("/needs-a-new-owner", methods=["GET", "POST"])
@signed_in
def reassign_work():
    """Everyone signed in may open it; it lists only the work they may reassign (none for most people)."""
    items = services.unowned_work(current_user)
    form = ReassignForm()
    form.items.choices = [(item.key, item.label) for item in items]
    form.new_owner_id.choices = [("", "Select the new owner"), *services.owner_choices(items)]
    if form.validate_on_submit():
        assert form.items.data is not None  # DataRequired
        try:
            moved = services.reassign(current_user, form.items.data, form.new_owner_id.data)
        except services.HandoverError as error:
            form.items.errors = [str(error)]
        else:
            flash(
                f"{len(moved)} {'item' if len(moved) == 1 else 'items'} reassigned. The new owner has been emailed.",
                "success",
            )
            return redirect(url_for("handover.reassign_work"))
    return render_template("handover/reassign.html", form=form, items=items)
