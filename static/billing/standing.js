// The arrears banner's countdown (templates/console/billing/_standing_banner.html) ticks in the
// browser against the server's clock (data-server-now), in the page's language (data-text-*).
// No inline scripts: the template only carries data- attributes.
(() => {
  function filled(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));
  }

  function tick(element, skew) {
    const left = Date.parse(element.dataset.deadline) - (Date.now() + skew);
    const data = element.dataset;
    if (left <= 0) {
      element.textContent = data.textPassed;
      return false;
    }
    const total = Math.floor(left / 1000);
    const days = Math.floor(total / 86400);
    const hours = Math.floor((total % 86400) / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    if (days) element.textContent = filled(data.textDays, { days, hours });
    else if (hours) element.textContent = filled(data.textHours, { hours, minutes });
    else if (minutes) element.textContent = filled(data.textMinutes, { minutes });
    else element.textContent = data.textLess;
    return true;
  }

  function start() {
    document.querySelectorAll(".standing-countdown[data-deadline]").forEach((element) => {
      if (element.dataset.ticking) return;
      element.dataset.ticking = "1";
      const skew = (Date.parse(element.dataset.serverNow) || Date.now()) - Date.now();
      const timer = setInterval(() => { if (!tick(element, skew)) clearInterval(timer); }, 15000);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
