/*
 * The course player: resumes at the saved position, and (for students; previews carry no
 * progress URL) saves the position and the time actually played every few seconds, on pause,
 * at the end and when the page is left. Leaving uses navigator.sendBeacon, which cannot set
 * headers, so the CSRF token travels in the form body as `_csrf`. The server credits played
 * time only up to the wall-clock time between saves, so this count is a claim, not the truth.
 *
 * The video's URL is signed for five minutes. When the browser's request for it is refused (a
 * page left open longer, or a long video buffering past that; inside Whop there is no cookie to
 * fall back on), the player asks this page again for a fresh URL and carries on from where it
 * was, at most once a minute, so a refusal that is not an expiry is shown, not retried. A
 * refusal that arrived before this deferred script ran is read off the element's state.
 */
(function () {
  'use strict';
  var SAVE_EVERY_MS = 5000;
  var video = document.getElementById('player');
  if (!video) return;

  var resumeAt = Number(video.getAttribute('data-resume-at')) || 0;
  var duration = Number(video.getAttribute('data-duration')) || 0;
  var url = video.getAttribute('data-progress-url');
  var csrf = video.getAttribute('data-csrf');

  function resume() {
    if (resumeAt > 0 && (!isFinite(video.duration) || resumeAt < video.duration)) video.currentTime = resumeAt;
  }
  if (video.readyState >= 1) resume();
  else video.addEventListener('loadedmetadata', resume, { once: true });

  var source = video.querySelector('source');
  var lastRenewal = -Infinity;
  function renewUrl() {
    var now = performance.now();
    if (!source || now - lastRenewal < 60000) return;
    lastRenewal = now;
    var at = video.currentTime || resumeAt;
    var wasPlaying = !video.paused;
    fetch(window.location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, 'text/html').querySelector('#player source');
        if (!fresh || !fresh.getAttribute('src')) return;
        source.setAttribute('src', fresh.getAttribute('src'));
        resumeAt = at;
        video.addEventListener('loadedmetadata', function () {
          resume();
          if (wasPlaying) video.play().catch(function () {});
        }, { once: true });
        video.load();
      })
      .catch(function () {
        /* Offline: the browser's own error stays on the player. */
      });
  }
  if (source) source.addEventListener('error', renewUrl);
  video.addEventListener('error', renewUrl);
  // This script is deferred: a refusal that came back while the page was still being read fired
  // its error before anyone listened. The element says so: it has tried a source (before it
  // tries one, `currentSrc` is empty and the other two read the same), none is left and nothing
  // loaded.
  var refusedAlready =
    video.currentSrc !== '' && video.networkState === video.NETWORK_NO_SOURCE && video.readyState === video.HAVE_NOTHING;
  if (source && refusedAlready) renewUrl();

  if (!url || !csrf) return;

  var playedMs = 0;
  var playingSince = null;
  var started = false;

  function settle() {
    if (playingSince !== null) {
      var now = performance.now();
      playedMs += now - playingSince;
      playingSince = video.paused ? null : now;
    }
  }

  /** The form body of one save; takes the played time counted so far. */
  function body() {
    settle();
    var position = Math.max(0, video.currentTime || 0);
    if (duration > 0) position = Math.min(position, duration);
    var params = new URLSearchParams();
    params.set('_csrf', csrf);
    params.set('position', position.toFixed(3));
    params.set('watched', (playedMs / 1000).toFixed(3));
    playedMs = 0;
    return params;
  }

  function save() {
    if (!started) return;
    fetch(url, {
      method: 'POST',
      body: body(),
      credentials: 'same-origin',
      headers: { 'x-csrf-token': csrf },
      keepalive: true,
    }).catch(function () {
      /* Offline for a moment: the next save carries the position again. */
    });
  }

  function saveOnLeave() {
    if (!started) return;
    var params = body();
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, params))) {
      fetch(url, { method: 'POST', body: params, credentials: 'same-origin', keepalive: true }).catch(function () {});
    }
  }

  video.addEventListener('playing', function () {
    playingSince = performance.now();
    if (!started) {
      // The first save starts the server's clock for this video; it credits no time.
      started = true;
      save();
    }
  });
  video.addEventListener('pause', function () {
    settle();
    playingSince = null;
    save();
  });
  video.addEventListener('ended', function () {
    settle();
    playingSince = null;
    save();
  });
  setInterval(function () {
    if (!video.paused) save();
  }, SAVE_EVERY_MS);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') saveOnLeave();
  });
  window.addEventListener('pagehide', saveOnLeave);
})();
