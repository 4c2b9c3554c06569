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
    "pages.accessibility": ("/accessibility", {"GET": EVERYONE}),
    "pages.privacy": ("/privacy", {"GET": EVERYONE}),
    "pages.healthcheck": ("/healthcheck", {"GET": EVERYONE}),
    "auth.sign_in": ("/sign-in", {"GET": EVERYONE, "POST": EVERYONE}),
    "auth.sign_out": ("/sign-out", {"POST": EVERYONE}),
    "inspections.list_inspections": ("/inspections", {"GET": EVERYONE}),
    "inspections.show_inspection": ("/inspections/{inspection}", {"GET": EVERYONE}),
    "inspections.edit_reinspection_dates": ("/inspections/{inspection}/reinspection-dates",
                                            {"GET": {HMPPS, DIRECTOR, HEAD}, "POST": {HMPPS, DIRECTOR, HEAD}}),
    "recommendations.show_recommendation": ("/recommendations/{rec_pdu}", {"GET": EVERYONE}),
    "recommendations.edit_response": ("/recommendations/{rec_pdu}/response", {"GET": {HEAD}, "POST": {HEAD}}),
    "actions.show_action": ("/actions/{action_owned}", {"GET": EVERYONE}),
    "actions.create_action": ("/recommendations/{rec_pdu}/actions/new", {"GET": {HEAD}, "POST": {HEAD}}),
    "actions.edit_action": ("/actions/{action_owned}/edit", {"GET": {HEAD}, "POST": {HEAD}}),
    "actions.revise_target_date": ("/actions/{action_owned}/revise-date", {"GET": {HEAD}, "POST": {HEAD}}),
    "actions.post_update": ("/actions/{action_owned}/updates/new", {"GET": {HEAD, OWNER}, "POST": {HEAD, OWNER}}),
    "evidence.upload_action_evidence": ("/actions/{action_owned}/evidence/upload",
                                        {"GET": {HEAD, OWNER}, "POST": {HEAD, OWNER}}),
    "evidence.link_action_evidence": ("/actions/{action_owned}/evidence/link",
                                      {"GET": {HEAD, OWNER}, "POST": {HEAD, OWNER}}),
    "evidence.upload_recommendation_evidence": ("/recommendations/{rec_pdu}/evidence/upload",
                                                {"GET": {HEAD}, "POST": {HEAD}}),
    "evidence.link_recommendation_evidence": ("/recommendations/{rec_pdu}/evidence/link",
                                              {"GET": {HEAD}, "POST": {HEAD}}),
    "evidence.download_evidence": ("/evidence/{evidence_file}/download", {"GET": EVERYONE}),
    "api.list_inspections": ("/api/v1/inspections", {"GET": EVERYONE}),
    "api.get_inspection": ("/api/v1/inspections/{inspection}", {"GET": EVERYONE}),
    "api.list_recommendations": ("/api/v1/inspections/{inspection}/recommendations", {"GET": EVERYONE}),
    "api.get_recommendation": ("/api/v1/recommendations/{rec_pdu}", {"GET": EVERYONE}),
    "admin.index": ("/admin", {"GET": {ADMIN}}),
    "admin.list_users": ("/admin/users", {"GET": {ADMIN}}),
    "admin.create_user": ("/admin/users/new", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "admin.unlock_user": ("/admin/users/{user_head}/unlock", {"POST": {ADMIN}}),
    "organisations.list_organisations": ("/admin/organisations", {"GET": {ADMIN}}),
    "organisations.create_organisation": ("/admin/organisations/new/pdu", {"GET": {ADMIN}, "POST": {ADMIN}}),
    "organisations.edit_organisation": ("/admin/organisations/{pdu}/edit", {"GET": {ADMIN}, "POST": {ADMIN}}),
}
