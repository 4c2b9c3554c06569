"""`next` after signing in: normalised as a browser would, then followed only when it is a path on this site."""

import pytest

from tests.conftest import HEAD

PASSWORD = "demo-password-for-tests"


def sign_in(client, query: str):
    return client.post(f"/sign-in?next={query}", data={"email": HEAD, "password": PASSWORD})


@pytest.mark.parametrize(
    "query",
    [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
        "%09//evil.example",
        "/%5Cevil.example",
        "%20//evil.example",
        "https://evil.example/",
        "//evil.example",
        "javascript:alert(1)",
        "/%00/evil.example",
        "/%0A/x",
        "/\t/evil.example",
        "http:/evil.example",
        "%01//evil.example",
    ],
)
def test_an_off_site_or_broken_next_goes_home(client, query):
    response = sign_in(client, query)
    assert response.status_code == 302
    assert response.headers["Location"] == "/", query


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("/inspections", "/inspections"),
        ("/inspections%3Fpdu%3D2", "/inspections?pdu=2"),
        ("/%0Ainspections", "/inspections"),
        ("%0A/x", "/x"),
    ],
)
def test_a_same_site_path_is_followed(client, query, location):
    response = sign_in(client, query)
    assert response.status_code == 302 and response.headers["Location"] == location
