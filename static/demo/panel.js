// Keep the presenter panel open across the page reloads its own actions cause.
(() => {
  const panel = document.getElementById("demo-panel");
  if (!panel) return;
  const KEY = "demoPanelOpen";
  if (localStorage.getItem(KEY) === "1") panel.open = true;
  panel.addEventListener("toggle", () => localStorage.setItem(KEY, panel.open ? "1" : "0"));
})();
