/*
 * After a form post, puts keyboard and screen-reader focus where the answer is: on the first
 * field marked invalid, else on the page's message (a notice with tabindex="-1": next to the
 * item the user acted on, where the redirect's #anchor scrolled, or at the top). Focusing it
 * also scrolls it into view. A field the page already autofocuses keeps its focus.
 */
(function () {
  function focusAnswer() {
    if (document.querySelector('[autofocus]')) return;
    var main = document.getElementById('main') || document.body;
    var target = main.querySelector('[aria-invalid="true"]') || main.querySelector('.notice[tabindex="-1"]');
    if (!target) return;
    var closed = target.closest('details:not([open])');
    if (closed) closed.open = true;
    target.focus();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', focusAnswer);
  else focusAnswer();
})();
