// Small behaviours htmx does not cover: toasts from HX-Trigger events, and <dialog> handling.

// Forms answer a refused or invalid request with 409/422/429 and the form redrawn with its
// errors; htmx must swap those in like a 200. Other errors still are not swapped.
if (window.htmx) {
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "409|422|429", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];
}

document.addEventListener("toast", (event) => {
  const box = document.getElementById("toasts");
  if (!box) return;
  const toast = document.createElement("div");
  toast.className = "toast";
  toast.setAttribute("role", "status");
  toast.textContent = event.detail.value || event.detail.message || "";
  box.appendChild(toast);
  setTimeout(() => toast.remove(), 6000);
});

document.addEventListener("htmx:afterSwap", (event) => {
  const dialog = event.detail.target.querySelector && event.detail.target.querySelector("dialog[data-auto-open]:not([open])");
  if (dialog) dialog.showModal();
});

function closeDialog(dialog) {
  dialog.close();
  dialog.remove();
}

document.addEventListener("closeDialog", () => {
  document.querySelectorAll("dialog[open]").forEach(closeDialog);
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-close-dialog]");
  if (button) closeDialog(button.closest("dialog"));
});

// Escape closes a modal dialog natively; drop it too, so the next one opened is the only one.
document.addEventListener("close", (event) => {
  if (event.target.matches("dialog[data-auto-open]")) event.target.remove();
}, true);
