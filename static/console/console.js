// Small behaviours htmx does not cover: toasts from HX-Trigger events, <dialog> handling, the
// folding side menu, session expiry, fresh pages on back/forward, and the few form controls that
// act on change. Loaded with `defer` from <head> (never from <body>, which htmx may swap), and
// written for a Content-Security-Policy without inline scripts: templates mark elements with
// data- attributes and this file wires them up.

(() => {
  const LOGIN_URL = () => document.body.dataset.loginUrl || "/login/";

  if (window.htmx) {
    // Forms answer a refused or invalid request with 409/422/429 and the form redrawn with its
    // errors; htmx must swap those in like a 200. Other errors still are not swapped.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "409|422|429", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ];
    // Back and forward must show current balances and buttons, never a snapshot taken before a
    // refund: keep no history snapshots, and reload the page from the server instead.
    htmx.config.historyCacheSize = 0;
    htmx.config.refreshOnHistoryMiss = true;
  }

  // A page the browser restores from its back/forward cache is as old as the snapshot: reload.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) window.location.reload();
  });

  // --- toasts ---------------------------------------------------------------------------------
  function toast(message, level) {
    const box = document.getElementById("toasts");
    if (!box || !message) return;
    const item = document.createElement("div");
    item.className = level === "error" ? "toast toast-error" : "toast";
    item.setAttribute("role", level === "error" ? "alert" : "status");
    item.textContent = message;
    box.appendChild(item);
    setTimeout(() => item.remove(), 6000);
  }

  document.addEventListener("toast", (event) => {
    const detail = event.detail || {};
    toast(detail.value || detail.message || "", detail.level);
  });

  // --- session expiry -------------------------------------------------------------------------
  // The server answers an htmx request from a signed-out browser with HX-Redirect to the login
  // page (console.middleware). Should a login page still arrive as a response (a proxy, an older
  // server), do not draw it inside the page or a dialog: say so and go to the login page.
  function sessionExpired() {
    if (document.documentElement.dataset.sessionExpired) return;
    document.documentElement.dataset.sessionExpired = "1";
    // In the page's language: base.html carries the words (data-session-expired-text).
    toast(document.body.dataset.sessionExpiredText || "Your session has expired. Taking you to the login page…", "error");
    const next = window.location.pathname + window.location.search;
    const target = `${LOGIN_URL()}?expired=1&next=${encodeURIComponent(next)}`;
    setTimeout(() => window.location.assign(target), 1200);
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || !xhr.responseURL) return;
    const path = new URL(xhr.responseURL, window.location.href).pathname;
    if (path === LOGIN_URL() && window.location.pathname !== LOGIN_URL()) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      sessionExpired();
    }
  });

  // --- dialogs --------------------------------------------------------------------------------
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail && event.detail.target;
    if (!target || typeof target.querySelector !== "function") return;
    const dialog = target.querySelector("dialog[data-auto-open]:not([open])");
    if (!dialog) return;
    // Where focus goes back when the dialog succeeds: the element it was opened from, by the id of
    // its nearest element that has one (a package's row), since the table is redrawn meanwhile.
    const opener = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    const home = opener && opener instanceof Element ? opener.closest("[id]") : null;
    if (home && home !== document.body) dialog.dataset.returnFocusTo = home.id;
    dialog.showModal();
  });

  // A dialog that succeeded closes while its opener is redrawn (the refreshed table replaces the
  // button): once the swap that brings the opener's row back has settled, focus that row, so focus
  // does not fall to <body> and a screen reader reads the row's new status. Without it (the row
  // left the list), the status message that says what happened.
  let focusAfterRefresh = null;

  function focusHere(element) {
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) element.setAttribute("tabindex", "-1");
    element.focus();
  }

  document.addEventListener("htmx:afterSettle", () => {
    if (!focusAfterRefresh) return;
    const element = document.getElementById(focusAfterRefresh.id);
    if (element === focusAfterRefresh.before) return; // another part settled (the balances); not the row yet
    focusAfterRefresh = null;
    const status = document.querySelector("#toasts > :last-child");
    if (element) focusHere(element);
    else if (status) focusHere(status);
  });

  function closeDialog(dialog) {
    if (!dialog) return;
    if (dialog.open) dialog.close();
    dialog.remove();
  }

  document.addEventListener("closeDialog", () => {
    document.querySelectorAll("dialog[open]").forEach((dialog) => {
      const id = dialog.dataset.returnFocusTo;
      if (id) focusAfterRefresh = { id, before: document.getElementById(id) };
      closeDialog(dialog);
    });
  });

  // Escape closes a modal dialog natively; drop it too, so the next one opened is the only one.
  document.addEventListener("close", (event) => {
    if (event.target.matches && event.target.matches("dialog[data-auto-open]")) event.target.remove();
  }, true);

  // --- the side menu on narrow screens ----------------------------------------------------------
  function navSet(open) {
    const toggle = document.querySelector("[data-nav-toggle]");
    const backdrop = document.querySelector("[data-nav-close]");
    document.documentElement.classList.toggle("nav-open", open);
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (backdrop) backdrop.hidden = !open;
    if (open) {
      const first = document.querySelector("#sidemenu a");
      if (first) first.focus();
    }
  }

  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;

    const closer = target.closest("[data-close-dialog]");
    if (closer) closeDialog(closer.closest("dialog"));

    if (target.closest("[data-nav-toggle]")) {
      navSet(!document.documentElement.classList.contains("nav-open"));
    } else if (target.closest("[data-nav-close]") || target.closest("#sidemenu a")) {
      navSet(false);
    }

    // An open drop-down menu (Ticket) closes when something else is clicked.
    document.querySelectorAll("details.menu[open]").forEach((menu) => {
      if (!menu.contains(target)) menu.open = false;
    });

    // "Go back" links on error pages: the previous page when there is one, else their href.
    const back = target.closest("[data-history-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (document.documentElement.classList.contains("nav-open")) {
      navSet(false);
      const toggle = document.querySelector("[data-nav-toggle]");
      if (toggle) toggle.focus();
    }
    document.querySelectorAll("details.menu[open]").forEach((menu) => { menu.open = false; });
  });

  // --- controls that act on change ----------------------------------------------------------------
  // <input data-autosubmit>: submit its form as soon as it changes (the form still has a
  // <noscript> Save button).
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target instanceof Element && target.matches("[data-autosubmit]") && target.form) {
      target.form.requestSubmit();
    }
  });
})();
