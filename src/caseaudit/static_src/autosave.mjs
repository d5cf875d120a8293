// The audit section form saves a draft as the auditor types (htmx posts it to the autosave address). Once
// the form itself is submitted, no autosave may follow it: a late one would race the real save. This was
// two hx-on attributes; htmx runs those through eval, which the Content-Security-Policy forbids.
export function initAutosave(root = document) {
  for (const form of root.querySelectorAll("form[data-autosave]")) {
    form.addEventListener("submit", () => {
      form.dataset.submitting = "yes";
    });
    form.addEventListener("htmx:beforeRequest", (event) => {
      if (form.dataset.submitting) event.preventDefault();
    });
  }
}
