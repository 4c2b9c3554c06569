"""The OpenAPI 3.1 document for /api/v1, served at /api/v1/openapi.json; the API tests check every answer against it."""

STATUSES = ["not_started", "in_progress", "actions_complete", "not_agreed", "submitted", "returned", "assured"]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


DATE = _nullable("string", format="date")
DATETIME = _nullable("string", format="date-time")


def _param(name: str, description: str, schema: dict, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": where == "path", "description": description, "schema": schema}


def _id(name: str) -> dict:
    return _param(name, "The record's id", {"type": "integer"}, "path")


PAGING = [
    _param("limit", "Items per page, 1 to 500 (default 50)", {"type": "integer", "minimum": 1, "maximum": 500}),
    _param("cursor", "Opaque: copy it from the Link header's next address", {"type": "string"}),
]
SCOPE = [
    _param("pdu", "A probation delivery unit: its id or exact name", {"type": "string"}),
    _param("region", "A region: its id or exact name", {"type": "string"}),
]
REC_FILTERS = [
    _param("status", "The recommendation's status", {"type": "string", "enum": STATUSES}),
    _param(
        "updated_since",
        "Changed (the recommendation or one of its actions) at or after this ISO 8601 moment",
        {"type": "string"},
    ),
]
CONDITIONAL = [
    _param(
        "If-None-Match", "An ETag from an earlier answer: 304 while nothing has changed", {"type": "string"}, "header"
    )
]


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _ok(description: str, schema: dict, paged: bool = False) -> dict:
    headers = {"ETag": {"description": "Send back as If-None-Match", "schema": {"type": "string"}}}
    if paged:
        headers["Link"] = {
            "description": '<next page address>; rel="next" while more items remain',
            "schema": {"type": "string"},
        }
    return {"description": description, "headers": headers, "content": {"application/json": {"schema": schema}}}


def _get(summary: str, ok: dict, parameters: list, record: bool = False) -> dict:
    responses = {
        "200": ok,
        "304": {"description": "Not modified since the ETag sent"},
        "400": _error("A query-string value the API cannot use"),
        "401": _error("No valid token or session"),
    }
    if record:
        responses |= {"404": _error("No such record, or none you may see: the two are answered alike")}
    return {"get": {"summary": summary, "parameters": parameters + CONDITIONAL, "responses": responses}}


def _list(key: str, item: str) -> dict:
    return {
        "type": "object",
        "required": [key],
        "properties": {key: {"type": "array", "items": _ref(item)}},
        "additionalProperties": False,
    }


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "title": {"type": "string"},
                    "message": _nullable("string"),
                },
            }
        },
    },
    "KeyQuestion": {
        "type": "object",
        "required": ["text", "percentage"],
        "properties": {"text": {"type": "string"}, "percentage": _nullable("integer")},
    },
    "Standard": {
        "type": "object",
        "required": ["code", "name", "domain", "rating", "key_questions"],
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "domain": _nullable("integer"),
            "rating": _nullable("string"),
            "key_questions": {"type": "array", "items": _ref("KeyQuestion")},
        },
    },
    "Inspection": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "id",
            "title",
            "pdu",
            "region",
            "fieldwork_on",
            "published_on",
            "overall_rating",
            "score",
            "score_max",
            "expected_reinspection_on",
            "confirmed_reinspection_on",
            "standards",
            "outcomes",
            "recommendations_count",
        ],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "pdu": {"type": "string"},
            "region": _nullable("string"),
            "fieldwork_on": DATE,
            "published_on": DATE,
            "overall_rating": _nullable("string"),
            "score": _nullable("integer"),
            "score_max": _nullable("integer"),
            "expected_reinspection_on": DATE,
            "confirmed_reinspection_on": DATE,
            "standards": {"type": "array", "items": _ref("Standard")},
            "outcomes": {
                "type": "object",
                "properties": {"question": _nullable("string"), "percentage": _nullable("integer")},
            },
            "recommendations_count": {"type": "integer"},
        },
    },
    "Action": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "id",
            "description",
            "owner",
            "original_target_on",
            "target_on",
            "status",
            "status_label",
            "is_overdue",
            "completed_on",
        ],
        "properties": {
            "id": {"type": "integer"},
            "description": {"type": "string"},
            "owner": _nullable("string"),
            "original_target_on": DATE,
            "target_on": DATE,
            "status": {"type": "string"},
            "status_label": {"type": "string"},
            "is_overdue": {"type": "boolean"},
            "completed_on": DATE,
        },
    },
    "Review": {
        "type": "object",
        "required": ["state", "submissions"],
        "properties": {
            "state": {"type": "string"},
            "submissions": {"type": "integer"},
            "submitted_at": DATETIME,
            "submitted_by_id": _nullable("integer"),
            "covering_note": _nullable("string"),
            "decided_at": DATETIME,
            "decided_by_id": _nullable("integer"),
            "reasons": _nullable("string"),
            "reopened_at": DATETIME,
            "reopen_reason": _nullable("string"),
        },
    },
    "Recommendation": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "id",
            "inspection_id",
            "number",
            "text",
            "addressee",
            "owner",
            "lead",
            "response",
            "response_label",
            "response_rationale",
            "status",
            "status_label",
            "status_colour",
            "review",
            "actions",
        ],
        "properties": {
            "id": {"type": "integer"},
            "inspection_id": {"type": "integer"},
            "number": {"type": "integer"},
            "text": {"type": "string"},
            "addressee": {
                "type": "object",
                "required": ["kind", "name"],
                "properties": {"kind": {"type": "string"}, "name": _nullable("string")},
            },
            "owner": {"type": "string"},
            "lead": _nullable("string"),
            "response": _nullable("string"),
            "response_label": _nullable("string"),
            "response_rationale": _nullable("string"),
            "status": {"type": "string", "enum": STATUSES},
            "status_label": {"type": "string"},
            "status_colour": {"type": "string"},
            "review": _ref("Review"),
            "actions": {"type": "array", "items": _ref("Action")},
        },
    },
    "ProgressUpdate": {
        "type": "object",
        "required": ["id", "action_id", "narrative"],
        "properties": {
            "id": {"type": "integer"},
            "action_id": {"type": "integer"},
            "narrative": {"type": "string"},
            "status_from": _nullable("string"),
            "status_to": _nullable("string"),
            "author": _nullable("string"),
            "created_at": DATETIME,
        },
    },
    "NewProgressUpdate": {
        "type": "object",
        "required": ["narrative"],
        "properties": {"narrative": {"type": "string"}, "status": {"type": "string"}},
    },
    "EvidenceDecision": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "evidence_id", "decision", "comment", "reviewed_by_id", "reviewed_at"],
        "properties": {
            "id": {"type": "integer"},
            "evidence_id": {"type": "integer"},
            "decision": {"type": "string", "enum": ["accepted", "rejected"]},
            "comment": _nullable("string"),
            "reviewed_by_id": _nullable("integer"),
            "reviewed_at": DATETIME,
        },
    },
    "NewEvidenceDecision": {
        "type": "object",
        "required": ["decision"],
        "properties": {
            "decision": {"type": "string", "enum": ["accepted", "rejected"]},
            "comment": {"type": "string", "description": "Required for a rejection: what is missing"},
        },
    },
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "tracker API",
        "version": "1",
        "description": "Inspections, recommendations and their actions, with the same permissions as the pages. "
        "Sign in with a bearer token (`flask tracker create-token EMAIL`) or a browser session.",
    },
    "servers": [{"url": "/api/v1"}],
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
    },
    "security": [{"token": []}, {"session": []}],
    "paths": {
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI document",
                        "content": {
                            "application/json": {"schema": {"type": "object", "required": ["openapi", "paths"]}}
                        },
                    }
                },
            }
        },
        "/inspections": _get(
            "Inspections you may see, oldest record first",
            _ok("A page of inspections", _list("inspections", "Inspection"), paged=True),
            PAGING + SCOPE,
        ),
        "/inspections/{inspection_id}": _get(
            "One inspection", _ok("The inspection", _ref("Inspection")), [_id("inspection_id")], record=True
        ),
        "/inspections/{inspection_id}/recommendations": _get(
            "An inspection's recommendations",
            _ok("A page of recommendations", _list("recommendations", "Recommendation"), paged=True),
            [_id("inspection_id"), *PAGING, *REC_FILTERS],
            record=True,
        ),
        "/recommendations": _get(
            "Recommendations you may see, across inspections",
            _ok("A page of recommendations", _list("recommendations", "Recommendation"), paged=True),
            PAGING + SCOPE + REC_FILTERS,
        ),
        "/recommendations/{recommendation_id}": _get(
            "One recommendation",
            _ok("The recommendation", _ref("Recommendation")),
            [_id("recommendation_id")],
            record=True,
        ),
        "/actions/{action_id}/updates": {
            "post": {
                "summary": "Post a progress update to an action (bearer token only)",
                "security": [{"token": []}],
                "parameters": [_id("action_id")],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("NewProgressUpdate")}},
                },
                "responses": {
                    "201": {
                        "description": "The update as saved",
                        "content": {"application/json": {"schema": _ref("ProgressUpdate")}},
                    },
                    "400": _error("The update cannot be saved as sent"),
                    "401": _error("No valid bearer token"),
                    "403": _error("Not yours to update"),
                    "404": _error("No such action"),
                    "409": _error("The action changed meanwhile"),
                },
            }
        },
        "/evidence/{evidence_id}/decision": {
            "post": {
                "summary": "Accept or reject an evidence item of a recommendation you review (bearer token only)",
                "security": [{"token": []}],
                "parameters": [_id("evidence_id")],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("NewEvidenceDecision")}},
                },
                "responses": {
                    "201": {
                        "description": "The decision as saved",
                        "content": {"application/json": {"schema": _ref("EvidenceDecision")}},
                    },
                    "400": _error("The decision cannot be saved as sent (a rejection needs a comment)"),
                    "401": _error("No valid bearer token"),
                    "403": _error("Not yours to review, or you are not independent of it"),
                    "404": _error("No such evidence"),
                    "409": _error("Not waiting for review, or the evidence changed meanwhile"),
                },
            }
        },
    },
}
