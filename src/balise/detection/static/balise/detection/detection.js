// Detection aid: a print button (shown only when script runs) and focus on the result heading,
// so a screen reader announces the result after the form is sent.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  const target = document.querySelector("[data-focus-on-load]") || document.getElementById("error-summary");
  if (target) target.focus();
});
