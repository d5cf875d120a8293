// A "Copy link" button for a link shown in a readonly input (the feedback link). Progressive enhancement:
// the button is hidden in the page and shown only here, when the browser can copy (navigator.clipboard,
// which needs a secure context); without it the link stays in the input, to select and copy by hand.
// The result is said in a role="status" region, so a screen reader hears it too.
export function initCopyLinks(root = document) {
  if (!navigator.clipboard) return;
  for (const button of root.querySelectorAll("[data-copy-target]")) {
    const input = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!input || !status) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      // Emptied first, so pressing twice is announced twice.
      status.textContent = "";
      try {
        await navigator.clipboard.writeText(input.value);
        status.textContent = "Link copied";
      } catch {
        input.select();
        status.textContent = "The link could not be copied: select it and copy it yourself";
      }
    });
  }
}
