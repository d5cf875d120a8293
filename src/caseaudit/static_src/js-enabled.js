// Runs before the page paints, like the inline script in GOV.UK Frontend's page template, but as a file so
// that a Content-Security-Policy without 'unsafe-inline' still allows it.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
