"""The accessibility statement says how the service was tested, and does not claim what has not been done."""

from tests.conftest import soup_of, text_of


def test_the_statement_says_how_it_was_tested_and_what_is_not_yet_done(client):
    page = text_of(soup_of(client.get("/accessibility")).select_one("main"))
    assert "checked automatically with axe-core" in page
    assert "with the keyboard alone" in page
    assert "checked again at 320 pixels wide, the width of a 1,280-pixel screen zoomed to 400%" in page
    assert "has not yet been tested with screen readers" in page
    assert "fully compliant" not in page.replace("cannot say it is fully compliant", "")
