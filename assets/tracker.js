// Starts GOV.UK Frontend's components and MoJ Frontend's filter toggle; loaded as a module so it runs after the page
// is parsed.
import { initAll } from "./govuk-frontend.min.js";
import { FilterToggleButton } from "./moj-frontend.min.js";

initAll();

// Every list's filters (templates/macros/filters.html): beside the list on a desktop, where they start open; below
// it they cover the page when opened, so they start closed and "Apply filters" comes back to the list itself.
const DESKTOP = "(min-width: 48.0625em)";
for (const panel of document.querySelectorAll('[data-module="tracker-filter"]')) {
  new FilterToggleButton(panel, {
    bigModeMediaQuery: DESKTOP,
    startHidden: !window.matchMedia(DESKTOP).matches,
    toggleButton: { showText: "Show filters", hideText: "Hide filters", classes: "govuk-button--secondary" },
    toggleButtonContainer: { element: panel.parentElement.querySelector(".moj-action-bar__filter") },
    closeButton: { text: "Close filters", classes: "moj-filter__close" },
    closeButtonContainer: { selector: ".moj-filter__header-action" },
  });
}

// A printed plan shows every group, whether or not it was folded away on screen.
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details.tracker-print-open")) details.open = true;
});

// Each post form carries a one-time token (tracker/submissions). Browsers restore what was typed into a form when
// the Back button reloads it, but not a hidden field's value; so the token sits in a hidden text box and is made
// the box's typed-in value here. Sent again from Back, the form then carries its first token, and the server
// recognises it and saves nothing twice.
for (const input of document.querySelectorAll('input[name="submission_token"]')) {
  const token = input.value;
  input.value = token;
  input.defaultValue = "";
}
