// Keep the presenter panel open across the page reloads its own actions cause.
(() => {
  const panel = document.getElementById("demo-panel");
  if (!panel) return;
  const KEY = "demoPanelOpen";
  if (localStorage.getItem(KEY) === "1") panel.open = true;
  panel.addEventListener("toggle", () => localStorage.setItem(KEY, panel.open ? "1" : "0"));

  // Pages swap parts of themselves and push their URL (the package tabs do): come back to the
  // URL shown now, not the one the page was first drawn for.
  document.addEventListener("htmx:configRequest", (event) => {
    if (panel.contains(event.detail.elt)) event.detail.parameters.next = location.pathname + location.search;
  });
})();
