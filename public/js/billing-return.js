/*
 * The checkout return page: asks /billing/return/status every few seconds whether Whop's webhook
 * has changed the creator's plan (or whether it is now late) and reloads the page only when what
 * it says changes. No timed page refresh (WCAG 2.2.1); without JavaScript, "Check now" does it.
 */
(function () {
  'use strict';
  var section = document.getElementById('billing-return');
  if (!section) return;
  var statusUrl = section.getAttribute('data-status-url');
  var refreshUrl = section.getAttribute('data-refresh-url');
  if (!statusUrl || !refreshUrl) return;
  var late = section.getAttribute('data-late') === 'true';
  var everyMs = (Number(section.getAttribute('data-poll-seconds')) || 5) * 1000;

  function check() {
    fetch(statusUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin', redirect: 'error' })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state && (state.arrived || state.late !== late)) window.location.assign(refreshUrl);
        else window.setTimeout(check, everyMs);
      })
      .catch(function () {
        window.setTimeout(check, everyMs);
      });
  }
  window.setTimeout(check, everyMs);
})();
