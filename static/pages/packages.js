// Package/Plugin Management: countdowns that tick, and a table that stays current.
//
// - Each refund countdown (.countdown[data-deadline]) ticks in the browser against the server's
//   clock (the table's data-server-now) and turns to "Closed" at the deadline without a reload; its
//   row's Refund then opens the explanation instead.
// - When packages change in this tab (the `packagesChanged` event a dialog answers with), the other
//   tabs of this console hear it (BroadcastChannel) and redraw their tables too; a tab coming
//   back into view redraws once as well.
// No inline scripts: templates only carry data- attributes.
(() => {
  const CHANNEL = "css-console-packages";
  let skew = 0; // server time minus this device's time, in ms

  function readSkew() {
    const table = document.getElementById("package-table");
    const serverNow = table && Date.parse(table.dataset.serverNow || "");
    if (serverNow) skew = serverNow - Date.now();
  }

  // The same words as the server's `countdown` filter (console/templatetags/console_format.py), in
  // the page's language: the table carries them (data-text-*, translated by the template).
  const ENGLISH = {
    days: "%(days)sd %(hours)sh left",
    hours: "%(hours)sh %(minutes)sm left",
    minutes: "%(minutes)sm left",
    lessThanAMinute: "less than a minute left",
    closed: "Closed",
    windowClosed: "The 5-day refund window has closed",
  };

  function words(name) {
    const table = document.getElementById("package-table");
    const key = "text" + name.charAt(0).toUpperCase() + name.slice(1);
    return (table && table.dataset[key]) || ENGLISH[name];
  }

  function filled(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));
  }

  function countdownText(ms) {
    const total = Math.floor(ms / 1000);
    const days = Math.floor(total / 86400);
    const hours = Math.floor((total % 86400) / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    if (days) return filled(words("days"), { days, hours });
    if (hours) return filled(words("hours"), { hours, minutes });
    if (minutes) return filled(words("minutes"), { minutes });
    return words("lessThanAMinute");
  }

  function close(countdown) {
    const cell = countdown.closest("td");
    const row = countdown.closest("tr");
    const until = cell && cell.querySelector(".hint");
    const closed = document.createElement("span");
    closed.className = "muted";
    closed.textContent = words("closed");
    countdown.replaceWith(closed);
    // The hint under a countdown says "until <deadline>"; a closed window shows the deadline alone.
    if (until) until.textContent = until.dataset.moment || until.textContent.replace(/^until /, "");
    const button = row && row.querySelector(".btn-refund");
    if (!button) return;
    // The server would now say no: the button opens its explanation, and the row says why.
    button.classList.replace("btn-refund", "btn-unavailable");
    for (const name of ["href", "hx-get"]) {
      const url = button.getAttribute(name);
      if (url) button.setAttribute(name, url.replace("?shown=eligible", ""));
    }
    const why = document.createElement("div");
    why.className = "why";
    why.id = `refund-why-${row.id.replace("package-", "")}`;
    why.dataset.testid = "refund-why";
    why.textContent = words("windowClosed");
    button.setAttribute("aria-describedby", why.id);
    button.after(why);
    if (window.htmx) htmx.process(button);
  }

  function tick() {
    const now = Date.now() + skew;
    document.querySelectorAll(".countdown[data-deadline]").forEach((countdown) => {
      const left = Date.parse(countdown.dataset.deadline) - now;
      if (left <= 0) {
        close(countdown);
      } else {
        const text = countdownText(left);
        if (countdown.textContent !== text) countdown.textContent = text;
      }
    });
  }

  // --- other tabs --------------------------------------------------------------------------------
  const channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;
  document.addEventListener("packagesChanged", (event) => {
    if (channel && !(event.detail && event.detail.fromOtherTab)) channel.postMessage("packagesChanged");
  });
  if (channel) {
    channel.onmessage = () => {
      if (window.htmx) htmx.trigger(document.body, "packagesChanged", { fromOtherTab: true });
    };
  }
  let hiddenSince = 0;
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      hiddenSince = Date.now();
    } else if (hiddenSince && window.htmx && document.getElementById("package-table")) {
      hiddenSince = 0;
      htmx.trigger(document.body, "packagesChanged", { fromOtherTab: true });
    }
  });

  // --- the search box (issue 23, item 9) ---------------------------------------------------------
  // The filters form asks htmx on `submit, change` (its selects apply when changed). Typing in the
  // search box and pressing Enter fires both, and the second request aborted the first, which htmx
  // logs as an error: the search box's own `change` goes no further, Enter or Search submits.
  document.addEventListener("change", (event) => {
    if (event.target && event.target.id === "package-search") event.stopPropagation();
  }, true);

  document.addEventListener("htmx:afterSwap", () => {
    readSkew();
    tick();
  });
  readSkew();
  tick();
  setInterval(tick, 1000);
})();
