"""Every answer the API tests see is checked against the OpenAPI document (tests/api/openapi_check.py)."""

from urllib.parse import urlsplit

import pytest

from tests.api.openapi_check import PREFIX, check_response
from tests.conftest import PageClient


@pytest.fixture(autouse=True)
def responses_match_the_openapi_document(monkeypatch):
    opened = PageClient.open
    seen = []

    def open_and_check(self, *args, **kwargs):
        response = opened(self, *args, **kwargs)
        path = urlsplit(response.request.path).path
        if path.startswith(PREFIX + "/"):
            check_response(response.request.method, path, response)
            seen.append(path)
        return response

    monkeypatch.setattr(PageClient, "open", open_and_check)
    yield seen
