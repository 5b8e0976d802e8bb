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
    // The answer and the field's message in view (focusing a file input does not scroll to it).
    target.scrollIntoView({ block: 'nearest' });
    var error = document.getElementById(target.id + '-error');
    if (error) error.scrollIntoView({ block: 'nearest' });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', focusAnswer);
  else focusAnswer();
  // A page reached at #anchor: once loaded, the browser's scroll to the fragment runs the focusing
  // steps on the anchor (a <section>, not focusable) and so drops focus back to the page. Put it
  // back on the answer then, unless the user has already moved it.
  if (location.hash) {
    window.addEventListener('load', function () {
      setTimeout(function () {
        if (!document.activeElement || document.activeElement === document.body) focusAnswer();
      }, 0);
    });
  }
})();
