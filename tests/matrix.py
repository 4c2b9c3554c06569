"""The permission matrix: for every route, which demo roles may use each method.

Each entry maps an endpoint to the URL to try (built from the demo's record ids) and, per method, the roles
allowed. tests/test_permissions.py fails for any route missing here, and for any role that is let in or kept
out against this table."""

ADMIN = "admin@example.org"
HMPPS = "hmpps.lead@example.org"
DIRECTOR = "london.director@example.org"
HEAD = "head.bdh@example.org"
OWNER = "action.owner@example.org"
VIEWER = "inspector@example.org"
ROLES = (ADMIN, HMPPS, DIRECTOR, HEAD, OWNER, VIEWER)
EVERYONE = set(ROLES)
NOBODY: set[str] = set()

#: endpoint -> (url template filled from the ids fixture, {method: allowed roles})
MATRIX: dict[str, tuple[str, dict[str, set[str]]]] = {
    "static": ("/assets/tracker.css", {"GET": EVERYONE}),
    "pages.home": ("/", {"GET": EVERYONE}),
    "search.search": ("/search?q=audit", {"GET": EVERYONE}),
    "pages.accessibility": ("/accessibility", {"GET": EVERYONE}),
    "pages.privacy": ("/privacy", {"GET": EVERYONE}),
    "pages.healthcheck": ("/healthcheck", {"GET": EVERYONE}),
    "operations.healthz": ("/healthz", {"GET": EVERYONE}),
    "operations.show_status": ("/admin/status", {"GET": {ADMIN}}),
    "auth.sign_in": ("/sign-in", {"GET": EVERYONE, "POST": EVERYONE}),
    "auth.sign_out": ("/sign-out", {"POST": EVERYONE}),
    "auth.forgot_password": ("/forgot-password", {"GET": EVERYONE, "POST": EVERYONE}),
    # an unknown link gets the "expired" page (404) for anyone; the link itself is the permission
    "auth.set_password": ("/set-password/not-a-real-token", {"GET": EVERYONE, "POST": EVERYONE}),
    "auth.change_password": ("/account/password", {"GET": EVERYONE, "POST": EVERYONE}),
    # without a password just given, the code page sends anyone back to sign in (tested in tests/auth)
    "auth.sign_in_code": ("/sign-in/code", {"GET": EVERYONE, "POST": EVERYONE}),
    "auth.show_account": ("/account", {"GET": EVERYONE}),
    "auth.set_up_totp": ("/account/two-factor", {"GET": EVERYONE, "POST": EVERYONE}),
    # nobody in the demo has an authenticator app, so these send each person back to their account page
    "auth.regenerate_recovery_codes": ("/account/two-factor/recovery-codes", {"GET": EVERYONE, "POST": EVERYONE}),
    "auth.turn_off_totp": ("/account/two-factor/turn-off", {"GET": EVERYONE, "POST": EVERYONE}),
    # single sign-on is not configured for the matrix, so both answer 404 for anyone (tested in tests/auth/test_oidc)
    "auth.sign_in_oidc": ("/sign-in/oidc", {"GET": EVERYONE}),
    "auth.oidc_callback": ("/sign-in/oidc/callback", {"GET": EVERYONE}),
    "inspections.list_inspections": ("/inspections", {"GET": EVERYONE}),
    "inspections.show_inspection": ("/inspections/{inspection}", {"GET": EVERYONE}),
    "inspections.edit_reinspection_dates": (
        "/inspections/{inspection}/reinspection-dates",
        {"GET": {HMPPS, DIRECTOR, HEAD}, "POST": {HMPPS, DIRECTOR, HEAD}},
    ),
    "recommendations.list_recommendations": ("/recommendations", {"GET": EVERYONE}),
    "recommendations.show_recommendation": ("/recommendations/{rec_pdu}", {"GET": EVERYONE}),
    "recommendations.edit_response": ("/recommendations/{rec_pdu}/response", {"GET": {HEAD}, "POST": {HEAD}}),
    "recommendations.edit_lead": ("/recommendations/{rec_pdu}/lead", {"GET": {HEAD}, "POST": {HEAD}}),
    "actions.list_actions": ("/actions", {"GET": EVERYONE}),
    "actions.export_actions": ("/actions.csv", {"GET": EVERYONE}),
    "actions.show_action": ("/actions/{action_owned}", {"GET": EVERYONE}),
    "actions.create_action": ("/recommendations/{rec_pdu}/actions/new", {"GET": {HEAD}, "POST": {HEAD}}),
    "actions.edit_action": ("/actions/{action_owned}/edit", {"GET": {HEAD}, "POST": {HEAD}}),
    "actions.revise_target_date": ("/actions/{action_owned}/revise-date", {"GET": {HEAD}, "POST": {HEAD}}),
    # only the action's owner asks (the lead re-dates it directly); the demo has no request yet, so the lead and the
    # reviewer get a 404 (let in) and everyone else a 403
    "actions.request_new_date": ("/actions/{action_owned}/request-date", {"GET": {OWNER}, "POST": {OWNER}}),
    "actions.decide_date_request": ("/actions/{action_owned}/date-requests/1/decide", {"GET": {HEAD}, "POST": {HEAD}}),
    "actions.agree_date_request": (
        "/actions/{action_owned}/date-requests/1/agree",
        {"GET": {DIRECTOR}, "POST": {DIRECTOR}},
    ),
    "actions.post_update": ("/actions/{action_owned}/updates/new", {"GET": {HEAD, OWNER}, "POST": {HEAD, OWNER}}),
    # only an update's author, within minutes of posting it: the demo's updates are all older than that
    "actions.correct_update": ("/updates/{update_owned}/correct", {"GET": NOBODY, "POST": NOBODY}),
    "actions.withdraw_update": ("/updates/{update_owned}/withdraw", {"GET": NOBODY, "POST": NOBODY}),
    "evidence.upload_action_evidence": (
        "/actions/{action_owned}/evidence/upload",
        {"GET": {HEAD, OWNER}, "POST": {HEAD, OWNER}},
    ),
    "evidence.link_action_evidence": (
        "/actions/{action_owned}/evidence/link",
        {"GET": {HEAD, OWNER}, "POST": {HEAD, OWNER}},
    ),
    "evidence.upload_recommendation_evidence": (
        "/recommendations/{rec_pdu}/evidence/upload",
        {"GET": {HEAD}, "POST": {HEAD}},
    ),
    "evidence.link_recommendation_evidence": (
        "/recommendations/{rec_pdu}/evidence/link",
        {"GET": {HEAD}, "POST": {HEAD}},
    ),
    "evidence.download_evidence": ("/evidence/{evidence_file}/download", {"GET": EVERYONE}),
    "evidence.preview_evidence": ("/evidence/{evidence_file}/preview", {"GET": EVERYONE}),
    "evidence.preview_page": ("/evidence/{evidence_file}/pages/1.png", {"GET": EVERYONE}),
    # a link is followed, a file downloaded
    "evidence.open_evidence": ("/evidence/{evidence_file}/open", {"GET": EVERYONE}),
    "api.list_inspections": ("/api/v1/inspections", {"GET": EVERYONE}),
    "api.get_inspection": ("/api/v1/inspections/{inspection}", {"GET": EVERYONE}),
    "api.list_recommendations": ("/api/v1/inspections/{inspection}/recommendations", {"GET": EVERYONE}),
    "api.get_recommendation": ("/api/v1/recommendations/{rec_pdu}", {"GET": EVERYONE}),
    "api.list_all_recommendations": ("/api/v1/recommendations", {"GET": EVERYONE}),
    # the API's description holds no data: public, as its clients need it before they have a token
    "api.openapi_document": ("/api/v1/openapi.json", {"GET": EVERYONE}),
    "readiness.show_readiness": ("/inspections/{inspection}/readiness", {"GET": EVERYONE}),
    "readiness.print_readiness": ("/inspections/{inspection}/readiness/print", {"GET": EVERYONE}),
    "readiness.create_audit_round": (
        "/inspections/{inspection}/audit-rounds/new",
        {"GET": {HEAD, DIRECTOR}, "POST": {HEAD, DIRECTOR}},
    ),
    # the demo has no audit round, so those who may record get a 404 (let in) and everyone else a 403
    "readiness.edit_audit_round": (
        "/inspections/{inspection}/audit-rounds/1/edit",
        {"GET": {HEAD, DIRECTOR}, "POST": {HEAD, DIRECTOR}},
    ),
    "readiness.export_action_plan": ("/inspections/{inspection}/action-plan.xlsx", {"GET": EVERYONE}),
    "readiness.dashboard": ("/dashboard", {"GET": EVERYONE}),
    # scoped to what each person may see: their region, their PDU, or every region
    "readiness.show_plan": ("/plan", {"GET": EVERYONE}),
    "readiness.export_plan": ("/plan.xlsx", {"GET": EVERYONE}),
    # the London region is not theirs to see, so a head of PDU and an action owner get a 404 (see HIDDEN)
    "readiness.region_dashboard": ("/dashboard/regions/{region}", {"GET": {ADMIN, HMPPS, DIRECTOR, VIEWER}}),
    "admin.index": ("/admin", {"GET": {ADMIN}}),
    "admin.list_users": ("/admin/users", {"GET": {ADMIN}}),
    "admin.create_user": ("/admin/users/new", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "admin.unlock_user": ("/admin/users/{user_head}/unlock", {"POST": {ADMIN}}),
    "admin.show_user": ("/admin/users/{user_head}", {"GET": {ADMIN}}),
    "admin.edit_user": ("/admin/users/{user_head}/edit", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "admin.edit_roles": ("/admin/users/{user_head}/roles", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "admin.remove_role": ("/admin/users/{user_head}/roles/{user_head_role}/remove", {"POST": {ADMIN}}),
    "admin.resend_invitation": ("/admin/users/{user_head}/invite", {"POST": {ADMIN}}),
    "admin.deactivate_user": ("/admin/users/{user_head}/deactivate", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "admin.reactivate_user": ("/admin/users/{user_head}/reactivate", {"POST": {ADMIN}}),
    "admin.reset_second_factor": ("/admin/users/{user_head}/reset-second-factor", {"POST": {ADMIN}}),
    # the demo has no single sign-on set up, so an admin gets a 404 (let in) and everyone else a 403
    "admin.allow_sign_on_link": ("/admin/users/{user_head}/single-sign-on", {"POST": {ADMIN}}),
    # everyone signed in may open it; it lists only the work each may reassign (tested in tests/handover)
    "handover.reassign_work": ("/needs-a-new-owner", {"GET": EVERYONE, "POST": EVERYONE}),
    "admin.issue_token": ("/admin/users/{user_head}/tokens/new", {"GET": {ADMIN}, "POST": {ADMIN}}),
    # the demo issues no API token, so an admin gets a 404 (let in) and everyone else a 403
    "admin.revoke_token": ("/admin/users/{user_head}/tokens/1/revoke", {"POST": {ADMIN}}),
    "organisations.list_organisations": ("/admin/organisations", {"GET": {ADMIN}}),
    "organisations.create_organisation": ("/admin/organisations/new/pdu", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "organisations.edit_organisation": ("/admin/organisations/{pdu}/edit", {"GET": {ADMIN}, "POST": {ADMIN}}),
    # the demo has no outbox message, so an admin gets a 404 (let in) and everyone else a 403
    "notifications.list_outbox": ("/admin/outbox", {"GET": {ADMIN}}),
    "notifications.show_outbox_message": ("/admin/outbox/1", {"GET": {ADMIN}}),
    "notifications.show_outbox_message_html": ("/admin/outbox/1/html", {"GET": {ADMIN}}),
    "notifications.retry_outbox_message": ("/admin/outbox/1/retry", {"POST": {ADMIN}}),
    "notifications.notification_settings": ("/account/notifications", {"GET": EVERYONE, "POST": EVERYONE}),
    "importer.upload_report": ("/admin/imports/new", {"GET": {ADMIN}, "POST": {ADMIN}}),
    # the demo has no upload awaiting review, so an admin gets a 404 (let in) and everyone else a 403
    "importer.review_import": ("/admin/imports/1", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "importer.change_import_pdu": ("/admin/imports/1/pdu", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "importer.change_import_inspection": ("/admin/imports/1/inspection", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "importer.change_import_ratings": ("/admin/imports/1/ratings", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "importer.change_import_recommendation": ("/admin/imports/1/recommendations/1", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "importer.add_import_recommendation": ("/admin/imports/1/recommendations/new", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "importer.discard_import": ("/admin/imports/1/discard", {"POST": {ADMIN}}),
    "importer.import_done": ("/admin/imports/1/done", {"GET": {ADMIN}}),
    "assurance.review_queue": ("/reviews", {"GET": EVERYONE}),
    "assurance.submit_recommendation": ("/recommendations/{rec_ready}/submit", {"GET": {HEAD}, "POST": {HEAD}}),
    "assurance.review_recommendation": ("/recommendations/{rec_ready}/review", {"GET": {DIRECTOR}}),
    "assurance.save_evidence_decisions": ("/recommendations/{rec_ready}/evidence/decisions", {"POST": {DIRECTOR}}),
    "assurance.decide_recommendation": ("/recommendations/{rec_ready}/decision", {"POST": {DIRECTOR}}),
    "assurance.assure_recommendation": ("/recommendations/{rec_ready}/assure", {"POST": {DIRECTOR}}),
    "assurance.return_recommendation": ("/recommendations/{rec_ready}/return", {"POST": {DIRECTOR}}),
    "assurance.reopen_recommendation": (
        "/recommendations/{rec_region_ready}/reopen",
        {"GET": {HMPPS}, "POST": {HMPPS}},
    ),
    # the demo's rec_ready is not submitted, so those who may withdraw are sent back to it (still let in)
    "assurance.withdraw_submission": ("/recommendations/{rec_ready}/withdraw", {"GET": {HEAD}, "POST": {HEAD}}),
    "assurance.add_dependency": ("/actions/{action_pdu_5}/dependencies", {"POST": {HEAD}}),
    "assurance.remove_dependency": ("/actions/{action_pdu_5}/dependencies/{dependency}/remove", {"POST": {HEAD}}),
    # cookie sessions may only read the API; writing needs a bearer token (tested in tests/assurance)
    "api.create_action_update": ("/api/v1/actions/{action_owned}/updates", {"POST": NOBODY}),
    "api.decide_evidence": ("/api/v1/evidence/{evidence_file}/decision", {"POST": NOBODY}),
    # the demo's actions all have updates, so the delete page explains why it cannot (still let in)
    "actions.delete_action": ("/actions/{action_owned}/delete", {"GET": {HEAD}, "POST": {HEAD}}),
    "evidence.remove_evidence": ("/evidence/{evidence_file}/remove", {"GET": {HEAD, OWNER}, "POST": {HEAD, OWNER}}),
}

#: endpoint -> {method: roles kept out with a 404, not a 403}: the record is not theirs to see, and they are
#: answered as if it did not exist, so that an id tells nobody what another PDU holds. A role may be kept out with a
#: 403 only from what it can see but not change. (Every demo role can see the Barking records the matrix uses, so
#: the cross-PDU cases are in tests/security/test_invisible_records.py.)
HIDDEN: dict[str, dict[str, set[str]]] = {
    "readiness.region_dashboard": {"GET": {HEAD, OWNER}},
}
