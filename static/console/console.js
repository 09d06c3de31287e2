// Small behaviours htmx does not cover: toasts from HX-Trigger events, and <dialog> handling.
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
  const dialog = event.detail.target.querySelector && event.detail.target.querySelector("dialog:not([open])");
  if (dialog && dialog.dataset.autoOpen !== undefined) dialog.showModal();
});
document.addEventListener("closeDialog", () => {
  document.querySelectorAll("dialog[open]").forEach((d) => { d.close(); d.remove(); });
});
