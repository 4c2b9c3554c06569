"""Text with a NUL character is refused centrally (tracker/security.py), since PostgreSQL cannot store it."""

from tests.conftest import ADMIN, soup_of, text_of


def test_null_characters_are_refused_before_any_view(as_user):
    """PostgreSQL cannot store NUL, and no text here needs it: the request gets the styled 400 and saves nothing."""
    client = as_user(ADMIN)
    response = client.post("/admin/users/new", data={"email": "a\x00b@example.org", "name": "Nul"})
    assert response.status_code == 400
    assert "null character" in text_of(soup_of(response).select_one("main"))
    api = client.post(
        "/api/v1/actions/1/updates", json={"narrative": "x\x00y"}, headers={"Authorization": "Bearer nothing"}
    )
    assert api.status_code == 400 and api.get_json()["error"]["status"] == 400
