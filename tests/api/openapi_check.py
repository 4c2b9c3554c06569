"""Checks an API answer against the OpenAPI document the API serves: its path, method, status and JSON body."""

import re

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tracker.api.openapi import DOCUMENT

PREFIX = "/api/v1"
_REGISTRY = Registry().with_resource("urn:tracker-api", Resource(DOCUMENT, DRAFT202012))


def _template_for(path: str) -> str:
    for template in DOCUMENT["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}"))
        if re.fullmatch(pattern + "$", path):
            return template
    raise AssertionError(f"{PREFIX}{path} is not in the OpenAPI document")


def check_response(method: str, path: str, response) -> None:
    template = _template_for(path.removeprefix(PREFIX))
    operation = DOCUMENT["paths"][template].get(method.lower())
    assert operation is not None, f"{method} {template} is not in the OpenAPI document"
    declared = operation["responses"].get(str(response.status_code))
    assert declared is not None, f"{method} {template} answered {response.status_code}, not in the document"
    content = declared.get("content")
    if content is None:
        assert not response.get_data(), f"{method} {template} {response.status_code} should have no body"
        return
    assert response.is_json, f"{method} {template} {response.status_code} should be JSON"
    schema = _rebase(content["application/json"]["schema"])
    Draft202012Validator(schema, registry=_REGISTRY).validate(response.get_json())
    for name in declared.get("headers", {}):
        if name == "ETag":
            assert response.headers.get("ETag"), f"{method} {template} answered no ETag"


def _rebase(schema):
    """Inline schemas point at #/components/...; point them at the document instead."""
    if isinstance(schema, dict):
        return {k: ("urn:tracker-api" + v if k == "$ref" else _rebase(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema
