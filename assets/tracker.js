// Starts GOV.UK Frontend's components; loaded as a module so it runs after the page is parsed.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// Each post form carries a one-time token (tracker/submissions). Browsers restore what was typed into a form when
// the Back button reloads it, but not a hidden field's value; so the token sits in a hidden text box and is made
// the box's typed-in value here. Sent again from Back, the form then carries its first token, and the server
// recognises it and saves nothing twice.
for (const input of document.querySelectorAll('input[name="submission_token"]')) {
  const token = input.value;
  input.value = token;
  input.defaultValue = "";
}
