"""Steps of the main journeys, done in the browser the way a person does them; each takes an optional `look`
callback, run on every page the step shows (the accessibility sweep runs axe-core there)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from tracker.demo.services import minimal_pdf

Look = Callable[[object, str], None]


def nothing(_page, _label: str) -> None:
    """The default look: the journeys assert on what they see instead."""


def go(page, url: str, look: Look = nothing, label: str = "") -> None:
    page.goto(url)
    look(page, label or url)


#: true once the document a_new_page marked has been replaced by another that has finished loading
REPLACED = "() => window.__trackerLeaving === undefined && document.readyState === 'complete'"


@contextmanager
def a_new_page(page, timeout: float = 30000) -> Iterator[None]:
    """Wait, after the block's click or key press, until a new document has replaced the current one and finished
    loading. It waits on what the browser holds, not on an event: a navigation or response event may already have
    fired, or be a redirect's first leg, and "load" is already true of the page being left."""
    page.evaluate("() => { window.__trackerLeaving = true }")
    yield
    page.wait_for_function(REPLACED, timeout=timeout)


def click_and_wait(page, name: str) -> None:
    """Press a form's submit button and wait for the page that answers it."""
    with a_new_page(page):
        page.get_by_role("button", name=name, exact=True).click()


def shown_target_date(page) -> date:
    """The action page's current target date, as it shows it (15 January 2027)."""
    return datetime.strptime(page.locator("#target-date").inner_text().strip().split("\n")[0], "%d %B %Y").date()


def fill_date(page, field: str, on: date) -> None:
    boxes = page.locator(f"input[name={field}]")
    for index, part in enumerate((on.day, on.month, on.year)):
        boxes.nth(index).fill(str(part))


def error_summary(page) -> str:
    summary = page.locator(".govuk-error-summary")
    return summary.inner_text() if summary.count() else ""


def submit_for_assurance(page, base: str, rec_id: int, look: Look = nothing) -> None:
    go(page, f"{base}/recommendations/{rec_id}", look, "recommendation ready to submit")
    go(page, f"{base}/recommendations/{rec_id}/submit", look, "submit for assurance")
    click_and_wait(page, "Submit for assurance")


def review_and_assure(page, base: str, rec_id: int, look: Look = nothing) -> None:
    """The reviewer opens the queue and the review, accepts every evidence item in the one form, then assures."""
    go(page, f"{base}/reviews", look, "review queue")
    with a_new_page(page):
        page.locator(f"#review-queue a[href$='/recommendations/{rec_id}/review']").first.click()
    look(page, "review")
    click_and_wait(page, "Save decisions")
    assert "Select accept or reject for at least one item" in error_summary(page), "saving nothing is refused"
    click_and_wait(page, "Return the recommendation")
    assert "Enter" in error_summary(page), "returning without reasons should be refused"
    look(page, "review with errors")
    for card in page.locator(".evidence-review:has(.govuk-tag--grey)").all():
        card.get_by_label("Accept", exact=True).check()
    click_and_wait(page, "Save decisions")
    assert not page.locator(".evidence-review:has(.govuk-tag--grey)").count(), "every item should be accepted"
    look(page, "review with every item accepted")
    page.get_by_label("Assure the recommendation").check()
    click_and_wait(page, "Save your decision")


def upload_evidence(page, base: str, action_id: int, title: str, pdf: Path, look: Look = nothing) -> None:
    go(page, f"{base}/actions/{action_id}/evidence/upload", look, "upload evidence")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description (optional)").fill("Signed minutes of the audit meeting.")
    page.locator("input[type=file]").set_input_files(str(pdf))
    click_and_wait(page, "Upload evidence")


def small_pdf(folder: Path) -> Path:
    """A minimal, valid one-page PDF, generated rather than kept as a binary fixture."""
    path = folder / "minutes.pdf"
    path.write_bytes(minimal_pdf("Audit meeting minutes"))
    return path


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches; fails if it never does, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")
