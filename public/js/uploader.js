/*
 * The video library's uploader: resumable uploads over tus (tus-js-client, served by the app)
 * to /api/uploads, with a queue of files, a progress bar per file with percentage, speed and
 * time left, and pause, resume, retry and cancel.
 *
 * Before a byte moves it checks, in the browser, what the server would refuse anyway: that the
 * file starts like a video (MP4/QuickTime `ftyp` box, WebM/Matroska EBML header), that it fits
 * the per-file cap, and that the plan has storage and a video slot left (the page renders them
 * as data attributes). The server checks all of it again; when it refuses, its plain-text
 * sentence is shown as it is.
 *
 * tus-js-client keeps each unfinished upload's URL in localStorage (keyed by the file's name,
 * type, size and date), so after a network drop it retries by itself, and after a page reload
 * choosing the same file again resumes where it stopped instead of starting over.
 */
(function () {
  'use strict';

  var root = document.getElementById('uploader');
  if (!root || typeof window.tus === 'undefined' || !window.tus.isSupported) return;
  var tus = window.tus;

  var input = document.getElementById('upload-files');
  var problems = document.getElementById('upload-problems');
  var unfinished = document.getElementById('upload-unfinished');
  var queueList = document.getElementById('upload-queue');
  var announcer = document.getElementById('upload-announcer');

  var config = {
    endpoint: root.dataset.endpoint,
    csrfToken: root.dataset.csrfToken,
    maxFileBytes: Number(root.dataset.maxFileBytes),
    remainingBytes: numberOrNull(root.dataset.remainingBytes),
    remainingVideos: numberOrNull(root.dataset.remainingVideos),
    upgradeUrl: root.dataset.upgradeUrl || null,
    chunkBytes: Number(root.dataset.chunkBytes) || Infinity,
    bulk: root.dataset.bulk === 'true',
  };
  var endpointUrl = new URL(config.endpoint, window.location.href).href;

  /** Every file the creator picked on this page, in order; one uploads at a time. */
  var items = [];
  var nextId = 1;

  function numberOrNull(value) {
    return value === undefined || value === '' ? null : Number(value);
  }

  // --- formatting (one unit style with the list: MB below 1 GB, GB above) ---

  var MB = 1024 * 1024;
  var GB = 1024 * MB;

  function formatSize(bytes) {
    if (bytes >= GB) return Number((bytes / GB).toFixed(2)) + ' GB';
    if (bytes === 0) return '0 MB';
    return Math.max(0.1, bytes / MB).toFixed(1) + ' MB';
  }

  function formatSpeed(bytesPerSecond) {
    return formatSize(bytesPerSecond) + '/s';
  }

  function formatTimeLeft(seconds) {
    if (!isFinite(seconds)) return 'estimating time left';
    if (seconds < 60) return 'about ' + Math.max(1, Math.round(seconds)) + ' s left';
    var minutes = Math.round(seconds / 60);
    if (minutes < 60) return 'about ' + minutes + ' min left';
    return 'about ' + Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min left';
  }

  function announce(text) {
    announcer.textContent = text;
  }

  // --- checks before any transfer ---

  /** Resolves to null when the first bytes look like MP4/QuickTime or WebM/Matroska, else a sentence. */
  function checkSignature(file) {
    return file
      .slice(0, 12)
      .arrayBuffer()
      .then(function (buffer) {
        var b = new Uint8Array(buffer);
        var ftyp = b.length >= 8 && b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70;
        var ebml = b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3;
        if (ftyp || ebml) return null;
        return '“' + file.name + '” is not an MP4, WebM or QuickTime video, so it was not uploaded.';
      });
  }

  /** Bytes and slots the queue has claimed that the server has not reserved yet. */
  function pendingClaims() {
    var claims = { bytes: 0, videos: 0 };
    items.forEach(function (item) {
      if (item.claimed && !item.reserved) {
        claims.bytes += item.file.size;
        claims.videos += 1;
      }
    });
    return claims;
  }

  /** A sentence when the file does not fit the per-file cap or what the plan has left; null when it fits. */
  function checkRoom(file) {
    if (file.size === 0) return '“' + file.name + '” is empty.';
    if (file.size > config.maxFileBytes) {
      return (
        '“' + file.name + '” is ' + formatSize(file.size) + ': files can be at most ' +
        formatSize(config.maxFileBytes) + ' each.'
      );
    }
    var claims = pendingClaims();
    if (config.remainingVideos !== null && claims.videos + 1 > config.remainingVideos) {
      var left = Math.max(0, config.remainingVideos - claims.videos);
      return (
        '“' + file.name + '” was not uploaded: your plan has ' + left + ' video ' +
        (left === 1 ? 'slot' : 'slots') + ' left.'
      );
    }
    if (config.remainingBytes !== null && claims.bytes + file.size > config.remainingBytes) {
      return (
        '“' + file.name + '” (' + formatSize(file.size) + ') was not uploaded: your plan has ' +
        formatSize(Math.max(0, config.remainingBytes - claims.bytes)) + ' of storage left.'
      );
    }
    return null;
  }

  function showProblems(sentences, withUpgrade) {
    problems.textContent = '';
    if (sentences.length === 0) return;
    var list = document.createElement('ul');
    sentences.forEach(function (sentence) {
      var li = document.createElement('li');
      li.textContent = sentence;
      list.appendChild(li);
    });
    problems.appendChild(list);
    if (withUpgrade && config.upgradeUrl) {
      var p = document.createElement('p');
      var link = document.createElement('a');
      link.href = config.upgradeUrl;
      link.textContent = 'Upgrade your plan for more room';
      p.appendChild(link);
      problems.appendChild(p);
    }
    problems.className = 'upload-problems notice notice-error';
  }

  // --- one row per file ---

  function button(label, fileName, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'button button-small button-secondary';
    b.textContent = label;
    var hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    hidden.textContent = ' ' + fileName;
    b.appendChild(hidden);
    b.addEventListener('click', onClick);
    return b;
  }

  function renderItem(item) {
    var li = document.createElement('li');
    li.className = 'upload-item';
    var labelId = 'upload-item-' + item.id + '-name';
    var name = document.createElement('p');
    name.className = 'upload-name';
    name.id = labelId;
    name.textContent = item.file.name + ' (' + formatSize(item.file.size) + ')';
    var progress = document.createElement('progress');
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute('aria-labelledby', labelId);
    progress.textContent = '0%';
    var text = document.createElement('p');
    text.className = 'upload-status small';
    var actions = document.createElement('div');
    actions.className = 'upload-actions';
    item.ui = {
      li: li,
      progress: progress,
      text: text,
      pause: button('Pause', item.file.name, function () { pause(item); }),
      resume: button('Resume', item.file.name, function () { resume(item); }),
      retry: button('Retry', item.file.name, function () { resume(item); }),
      cancel: button('Cancel', item.file.name, function () { cancel(item); }),
    };
    [item.ui.pause, item.ui.resume, item.ui.retry, item.ui.cancel].forEach(function (b) {
      actions.appendChild(b);
    });
    li.appendChild(name);
    li.appendChild(progress);
    li.appendChild(text);
    li.appendChild(actions);
    queueList.appendChild(li);
  }

  /** Shows the item's state: which buttons make sense, what the line under the bar says. */
  function update(item, statusText) {
    var s = item.state;
    item.ui.li.dataset.state = s;
    item.ui.pause.hidden = s !== 'uploading';
    item.ui.resume.hidden = s !== 'paused';
    item.ui.retry.hidden = !(s === 'failed' && item.retryable);
    item.ui.cancel.hidden = s === 'done' || s === 'cancelled' || (s === 'failed' && !item.retryable);
    if (statusText !== undefined) item.ui.text.textContent = statusText;
  }

  function setProgress(item, sent, total) {
    var percent = total > 0 ? Math.floor((sent / total) * 100) : 0;
    item.ui.progress.value = percent;
    item.ui.progress.textContent = percent + '%';
    var now = Date.now();
    item.samples.push([now, sent]);
    while (item.samples.length > 2 && now - item.samples[0][0] > 8000) item.samples.shift();
    var first = item.samples[0];
    var elapsed = (now - first[0]) / 1000;
    var speed = elapsed > 0.2 ? (sent - first[1]) / elapsed : NaN;
    var parts = [percent + '%', formatSize(sent) + ' of ' + formatSize(total)];
    if (isFinite(speed) && speed > 0) {
      parts.push(formatSpeed(speed));
      parts.push(formatTimeLeft((total - sent) / speed));
    } else if (percent < 100) {
      parts.push('estimating time left');
    }
    update(item, parts.join(' · '));
    // Announce in steps of a quarter, so a screen reader is told without being flooded.
    var step = Math.floor(percent / 25) * 25;
    if (step > item.announced && percent < 100) {
      item.announced = step;
      announce(item.file.name + ': ' + step + '% uploaded.');
    }
  }

  // --- the queue ---

  function start(item) {
    item.state = 'uploading';
    item.samples = [];
    update(item, 'Starting…');
    item.upload.start();
  }

  /** Starts the next waiting file when none is uploading (one queue, one transfer at a time). */
  function pump() {
    var busy = items.some(function (item) { return item.state === 'uploading'; });
    if (busy) return;
    var next = items.find(function (item) { return item.state === 'waiting'; });
    if (next) start(next);
  }

  function pause(item) {
    if (item.state !== 'uploading') return;
    item.state = 'paused';
    item.upload.abort(false);
    update(item, 'Paused at ' + item.ui.progress.value + '%. Resume continues from there.');
    announce(item.file.name + ' paused.');
    pump();
  }

  function resume(item) {
    if (item.state !== 'paused' && item.state !== 'failed') return;
    item.state = 'waiting';
    update(item, 'Waiting for the upload before it…');
    pump();
  }

  /** Stops the upload and deletes what arrived: the server releases the reserved space and slot. */
  function cancel(item) {
    var wasReserved = item.reserved;
    item.state = 'cancelled';
    item.claimed = false;
    update(item, 'Cancelled.');
    announce(item.file.name + ' cancelled.');
    if (item.upload.url || wasReserved) {
      item.upload.abort(true).then(refreshLibrary, refreshLibrary);
    } else {
      item.upload.abort(false);
    }
    pump();
  }

  /** The server's plain-text sentence when it refused; a sentence of our own for a dropped connection. */
  function describeError(error) {
    var response = error && error.originalResponse;
    var status = response ? response.getStatus() : 0;
    var body = response ? String(response.getBody() || '').trim() : '';
    if (status >= 400 && status < 500 && status !== 409 && status !== 423) {
      return { message: body || 'The server refused the upload (' + status + ').', retryable: false, status: status };
    }
    if (!response || status === 0) {
      return {
        message: 'The connection was lost. The upload continues when you are back online, or press Retry.',
        retryable: true,
        status: 0,
      };
    }
    return { message: body || 'The upload failed (' + status + '). Press Retry to continue.', retryable: true, status: status };
  }

  function makeUpload(item) {
    return new tus.Upload(item.file, {
      endpoint: endpointUrl,
      chunkSize: config.chunkBytes,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      headers: { 'x-csrf-token': config.csrfToken },
      metadata: { filename: item.file.name, filetype: item.file.type || 'application/octet-stream' },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onUploadUrlAvailable: function () {
        // A new upload: the server reserved its size and a slot; count them until the list is read again.
        if (item.reserved) return;
        item.reserved = true;
        if (config.remainingBytes !== null) config.remainingBytes -= item.file.size;
        if (config.remainingVideos !== null) config.remainingVideos -= 1;
      },
      onProgress: function (sent, total) {
        if (item.state === 'uploading') setProgress(item, sent, total);
      },
      onSuccess: function () {
        item.state = 'done';
        item.claimed = false;
        item.ui.progress.value = 100;
        item.ui.progress.textContent = '100%';
        update(item, '100% · uploaded and ready.');
        announce(item.file.name + ' is uploaded and ready.');
        refreshLibrary();
        pump();
      },
      onError: function (error) {
        if (item.state !== 'uploading') return;
        var described = describeError(error);
        item.state = 'failed';
        item.retryable = described.retryable;
        if (!described.retryable) item.claimed = false;
        update(item, described.message);
        if (described.status === 403 && config.upgradeUrl) appendUpgradeLink(item);
        announce(item.file.name + ': ' + described.message);
        if (!described.retryable) {
          // The server dropped this upload: nothing is left to resume, so forget its stored URL.
          forget(item).then(listUnfinished, listUnfinished);
          refreshLibrary();
        }
        pump();
      },
    });
  }

  /** Removes the file's stored upload URLs (tus-js-client's URL storage), so a later pick starts afresh. */
  function forget(item) {
    var storage = tus.defaultOptions.urlStorage;
    return item.upload.findPreviousUploads().then(function (previous) {
      return Promise.all(
        previous.map(function (upload) {
          return storage.removeUpload(upload.urlStorageKey);
        }),
      );
    });
  }

  function appendUpgradeLink(item) {
    var link = document.createElement('a');
    link.href = config.upgradeUrl;
    link.textContent = 'Upgrade your plan';
    item.ui.text.appendChild(document.createTextNode(' '));
    item.ui.text.appendChild(link);
  }

  /**
   * Queues one checked file. A file whose upload was started before (this page or an earlier
   * one) resumes it: its space is reserved already, so only new uploads are checked for room.
   */
  function enqueue(file) {
    var item = {
      id: nextId++,
      file: file,
      state: 'checking',
      samples: [],
      announced: 0,
      claimed: false,
      reserved: false,
      retryable: true,
    };
    item.upload = makeUpload(item);
    return item.upload.findPreviousUploads().then(function (previous) {
      if (previous.length > 0) {
        item.upload.resumeFromPreviousUpload(previous[0]);
        item.reserved = true;
        item.resumed = true;
      } else {
        var problem = checkRoom(file);
        if (problem) return { problem: problem, room: true };
      }
      item.claimed = true;
      item.state = 'waiting';
      items.push(item);
      renderItem(item);
      update(item, item.resumed ? 'Resuming where it stopped…' : 'Waiting…');
      return null;
    });
  }

  input.addEventListener('change', function () {
    var files = Array.prototype.slice.call(input.files || []);
    if (!config.bulk) files = files.slice(0, 1);
    if (files.length === 0) return;
    showProblems([]);
    // One after the other, so each file's room check counts the files queued before it.
    var sentences = [];
    var roomProblem = false;
    files
      .reduce(function (done, file) {
        return done.then(function () {
          return checkSignature(file).then(function (problem) {
            if (problem) {
              sentences.push(problem);
              return null;
            }
            return enqueue(file).then(function (refusal) {
              if (refusal) {
                sentences.push(refusal.problem);
                roomProblem = roomProblem || refusal.room;
              }
            });
          });
        });
      }, Promise.resolve())
      .then(function () {
        showProblems(sentences, roomProblem);
        input.value = '';
        listUnfinished();
        pump();
      });
  });

  // Back online: continue what the lost connection stopped.
  window.addEventListener('online', function () {
    items.forEach(function (item) {
      if (item.state === 'failed' && item.retryable) resume(item);
    });
  });

  // --- the library list and the plan's room, read again after an upload ends ---

  function refreshLibrary() {
    return fetch(window.location.pathname, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (response) {
        if (!response.ok) throw new Error('status ' + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        ['video-list-region', 'library-heading', 'upload-help'].forEach(function (id) {
          var current = document.getElementById(id);
          var replacement = fresh.getElementById(id);
          if (current && replacement) current.replaceWith(document.importNode(replacement, true));
        });
        var freshRoot = fresh.getElementById('uploader');
        if (freshRoot) {
          config.remainingBytes = numberOrNull(freshRoot.dataset.remainingBytes);
          config.remainingVideos = numberOrNull(freshRoot.dataset.remainingVideos);
        }
      })
      .catch(function () {
        announce('The list could not be refreshed: reload the page to see the latest videos.');
      });
  }

  // --- uploads a previous visit left unfinished ---

  function listUnfinished() {
    var storage = tus.defaultOptions.urlStorage;
    if (!storage || typeof storage.findAllUploads !== 'function') return;
    storage.findAllUploads().then(function (uploads) {
      var active = items.map(function (item) { return item.file.name; });
      var names = uploads
        .filter(function (upload) {
          return upload.uploadUrl && upload.uploadUrl.indexOf(endpointUrl) === 0 && upload.metadata;
        })
        .map(function (upload) { return upload.metadata.filename; })
        .filter(function (name) { return name && active.indexOf(name) < 0; });
      unfinished.textContent = '';
      unfinished.hidden = names.length === 0;
      if (names.length === 0) return;
      var p = document.createElement('p');
      p.className = 'notice notice-info';
      p.textContent =
        'Unfinished ' + (names.length === 1 ? 'upload' : 'uploads') + ': ' + names.join(', ') +
        '. Choose the same ' + (names.length === 1 ? 'file' : 'files') + ' again to continue where ' +
        (names.length === 1 ? 'it' : 'they') + ' stopped.';
      unfinished.appendChild(p);
    });
  }

  listUnfinished();
})();
