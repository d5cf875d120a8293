// Starts GOV.UK Frontend's components (error summary focus, notification banners, service navigation,
// file upload, details) once the module has loaded, and caseaudit's own small enhancements. Served by
// caseaudit itself: nothing comes from a CDN.
import { initAll } from "./govuk-frontend/govuk-frontend.min.js";
import { initCopyLinks } from "./copy-link.mjs";
import { initAutosave } from "./autosave.mjs";

initAll();
initCopyLinks();
initAutosave();
