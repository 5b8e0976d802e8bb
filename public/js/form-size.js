/*
 * Before a form is sent, checks that it is not too large to be read, so that the server never
 * has to refuse it unread (a 413 page, where what was typed is out of sight):
 * - a file input with data-max-bytes: a chosen file larger than that is refused here, with the
 *   input's data-too-large sentence (the same the server would say);
 * - a urlencoded form larger, once encoded, than the body limit (data-form-max-bytes on <body>):
 *   refused here, said next to its longest text field.
 * The form is not sent, what was typed stays, the sentence sits under the field (aria-invalid,
 * aria-describedby) and the field gets focus. Without this script, maxlength and the server's own
 * checks (which keep the text) do the same job; see docs/ACCESSIBILITY.md.
 */
(function () {
  var ERROR_CLASS = 'field-error client-size-error';

  function clear(form) {
    form.querySelectorAll('.client-size-error').forEach(function (p) {
      var field = document.getElementById(p.getAttribute('data-for'));
      if (field) {
        field.removeAttribute('aria-invalid');
        var rest = (field.getAttribute('aria-describedby') || '')
          .split(' ')
          .filter(function (id) {
            return id && id !== p.id;
          })
          .join(' ');
        if (rest) field.setAttribute('aria-describedby', rest);
        else field.removeAttribute('aria-describedby');
      }
      p.remove();
    });
  }

  function refuse(event, field, text) {
    event.preventDefault();
    var p = document.createElement('p');
    p.className = ERROR_CLASS;
    p.id = field.id + '-size-error';
    p.setAttribute('data-for', field.id);
    p.textContent = text;
    field.insertAdjacentElement('afterend', p);
    field.setAttribute('aria-invalid', 'true');
    var described = (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    described.push(p.id);
    field.setAttribute('aria-describedby', described.join(' '));
    field.focus();
    // The field and its message both in view (a file input's focus alone does not scroll).
    field.scrollIntoView({ block: 'nearest' });
    p.scrollIntoView({ block: 'nearest' });
  }

  /** The body's size as a browser sends it: percent-encoded UTF-8, line breaks as CR LF (an upper bound). */
  function encodedSize(form) {
    var size = 0;
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== 'string') return;
      size += encodeURIComponent(name).length + encodeURIComponent(value.replace(/\r?\n/g, '\r\n')).length + 2;
    });
    return size;
  }

  function longestText(form) {
    var longest = null;
    form.querySelectorAll('textarea, input[type="text"], input:not([type])').forEach(function (field) {
      if (field.id && (!longest || field.value.length > longest.value.length)) longest = field;
    });
    return longest;
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method !== 'post') return;
    clear(form);
    var files = form.querySelectorAll('input[type="file"][data-max-bytes]');
    for (var i = 0; i < files.length; i += 1) {
      var input = files[i];
      var max = Number(input.getAttribute('data-max-bytes'));
      var tooLarge = Array.prototype.some.call(input.files || [], function (file) {
        return file.size > max;
      });
      if (tooLarge) return refuse(event, input, input.getAttribute('data-too-large') || 'This file is too large.');
    }
    if (form.enctype === 'multipart/form-data') return;
    var limit = Number(document.body.getAttribute('data-form-max-bytes'));
    if (!limit || encodedSize(form) <= limit) return;
    var field = longestText(form);
    if (!field) return;
    var most = field.maxLength > 0 ? ' Shorten it to at most ' + field.maxLength.toLocaleString('en-US') + ' characters.' : ' Shorten it.';
    refuse(event, field, 'This text is too long to send.' + most + ' What you typed is still here.');
  });
})();
