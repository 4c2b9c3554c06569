// Starts GOV.UK Frontend's components; loaded as a module so it runs after the page is parsed.
import { initAll } from "./govuk-frontend.min.js";

initAll();
