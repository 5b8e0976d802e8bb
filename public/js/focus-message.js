/*
 * After a form post, puts keyboard and screen-reader focus where the answer is: on the first
 * field marked invalid, else on the page's message (a notice with tabindex="-1", at the item the
 * user acted on or at the top). A field the page already autofocuses keeps its focus.
 */
(function () {
  function focusAnswer() {
    if (document.querySelector('[autofocus]')) return;
    var main = document.getElementById('main') || document.body;
    var target =
      main.querySelector('[aria-invalid="true"]') ||
      main.querySelector('.library-item .notice[tabindex="-1"]') ||
      main.querySelector('.notice[role="alert"][tabindex="-1"]');
    if (target) target.focus();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', focusAnswer);
  else focusAnswer();
})();
