"""The page shown when a save is refused as stale: the person's version beside the current one, and a button to
re-apply theirs on top of the current version."""

from flask import render_template, request

from tracker.shared.conflicts import ConflictRow

#: form fields that are not the person's content and so are not shown or compared
HIDDEN_FIELDS = ("csrf_token", "version", "submit")


def conflict_page(record, rows: list[ConflictRow], back_href: str, what: str, version_field: str = "version"):
    """Render the refusal with status 409; re-applying posts the same fields with the current version (in
    `version_field`: a form deciding on several records names each one's version apart)."""
    reapply = [(name, value) for name, value in request.form.items(multi=True) if name not in (version_field, "submit")]
    return render_template(
        "assurance/conflict.html",
        rows=rows,
        what=what,
        back_href=back_href,
        action_url=request.path,
        reapply_fields=reapply,
        current_version=record.version_id,
        version_field=version_field,
    ), 409
