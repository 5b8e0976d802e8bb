/*
 * The video library's uploader: resumable uploads over tus (tus-js-client, served by the app as
 * window.tus) to /api/uploads. One queue, one transfer at a time, a row per file with pause,
 * resume, retry and cancel (upload/item-view.js).
 *
 * Before a byte moves it checks what the server would refuse anyway (upload/checks.js); when
 * the server refuses, its plain-text sentence is shown as it is. tus-js-client keeps each
 * unfinished upload's URL in localStorage (keyed by the file's name, type, size and date), so it
 * retries a dropped connection by itself, and after a page reload choosing the same file again
 * resumes where it stopped instead of starting over.
 */
import { roomProblem, signatureProblem } from './upload/checks.js';
import { appendUpgradeLink, renderItem, showPercent, showProgress, showState } from './upload/item-view.js';
import { listUnfinished, refreshLibrary, showProblems } from './upload/library-page.js';

const root = document.getElementById('uploader');
const tus = window.tus;

if (root && tus?.isSupported) startUploader(root, tus);

/** The ids of a space-separated attribute value. */
function idsOf(value) {
  return (value ?? '').split(' ').filter(Boolean);
}

function numberOrNull(value) {
  return value === undefined || value === '' ? null : Number(value);
}

function startUploader(root, tus) {
  const input = document.getElementById('upload-files');
  const problems = document.getElementById('upload-problems');
  const unfinished = document.getElementById('upload-unfinished');
  const queueList = document.getElementById('upload-queue');
  const announcer = document.getElementById('upload-announcer');
  const data = root.dataset;
  const endpointUrl = new URL(data.endpoint, window.location.href).href;
  const config = {
    csrfToken: data.csrfToken,
    /** The company whose library this is: part of each stored upload's key, so creators sharing a browser keep theirs. */
    owner: data.owner,
    upgradeUrl: data.upgradeUrl || null,
    chunkBytes: Number(data.chunkBytes) || Infinity,
    bulk: data.bulk === 'true',
  };
  /** What the plan has left, as the page last said; lowered as this page reserves room. */
  const room = {
    maxFileBytes: Number(data.maxFileBytes),
    remainingBytes: numberOrNull(data.remainingBytes),
    remainingVideos: numberOrNull(data.remainingVideos),
  };
  /** The server's unfinished uploads (tus ids), as the page last said, and when it said so (this browser's clock). */
  let unfinishedIds = idsOf(data.unfinishedUploads);
  let loadedAt = Date.now();
  /** Every file picked on this page, in order. */
  const items = [];
  let nextId = 1;

  const announce = (text) => {
    announcer.textContent = text;
  };
  const unfinishedNow = () =>
    listUnfinished(unfinished, tus.defaultOptions.urlStorage, {
      endpointUrl,
      owner: config.owner,
      active: items.map((item) => item.file.name),
      unfinishedIds,
      since: loadedAt,
      csrfToken: config.csrfToken,
    }).catch(() => undefined);

  /** Bytes and slots of queued files the server has not reserved yet. */
  function pendingClaims() {
    const claims = { bytes: 0, videos: 0 };
    for (const item of items)
      if (item.claimed && !item.reserved) {
        claims.bytes += item.file.size;
        claims.videos += 1;
      }
    return claims;
  }

  /**
   * Reads the list again. Each finished upload asks for one; they run one after another, so an
   * older answer that comes back late never replaces a newer list or room.
   */
  let refreshing = Promise.resolve();
  function refresh() {
    refreshing = refreshing.then(refreshNow, refreshNow);
    return refreshing;
  }

  async function refreshNow() {
    const fresh = await refreshLibrary();
    if (!fresh) {
      announce('The list could not be refreshed: reload the page to see the latest videos.');
      return;
    }
    room.remainingBytes = numberOrNull(fresh.remainingBytes);
    room.remainingVideos = numberOrNull(fresh.remainingVideos);
    unfinishedIds = idsOf(fresh.unfinishedUploads);
    loadedAt = Date.now();
  }

  /** Removes the file's stored upload URLs, so a later pick starts afresh (the server dropped the upload). */
  async function forget(item) {
    const storage = tus.defaultOptions.urlStorage;
    const previous = await item.upload.findPreviousUploads();
    await Promise.all(previous.map((upload) => storage.removeUpload(upload.urlStorageKey)));
  }

  // --- the queue ---

  function start(item) {
    item.state = 'uploading';
    item.samples = [];
    showState(item, 'Starting…');
    item.upload.start();
  }

  /** Starts the next waiting file when none is uploading. */
  function pump() {
    if (items.some((item) => item.state === 'uploading')) return;
    const next = items.find((item) => item.state === 'waiting');
    if (next) start(next);
  }

  function pause(item) {
    if (item.state !== 'uploading') return;
    item.state = 'paused';
    void item.upload.abort(false);
    showState(item, `Paused at ${item.ui.progress.value}%. Resume continues from there.`);
    announce(`${item.file.name} paused.`);
    pump();
  }

  function resume(item) {
    if (item.state !== 'paused' && item.state !== 'failed') return;
    item.state = 'waiting';
    showState(item, 'Waiting for the upload before it…');
    pump();
  }

  /** Stops the upload and deletes what arrived: the server releases the reserved space and slot. */
  function cancel(item) {
    const created = Boolean(item.upload.url);
    item.state = 'cancelled';
    item.claimed = false;
    showState(item, 'Cancelled.');
    announce(`${item.file.name} cancelled.`);
    item.upload.abort(created).then(created ? refresh : undefined, created ? refresh : undefined);
    pump();
  }

  /** The server's plain-text sentence when it refused; a sentence of our own for a dropped connection. */
  function describeError(error) {
    const response = error?.originalResponse;
    const status = response ? response.getStatus() : 0;
    const body = response ? String(response.getBody() || '').trim() : '';
    if (status >= 400 && status < 500 && status !== 409 && status !== 423)
      return { message: body || `The server refused the upload (${status}).`, retryable: false, status };
    if (!response || status === 0)
      return {
        message: 'The connection was lost. The upload continues when you are back online, or press Retry.',
        retryable: true,
        status: 0,
      };
    return { message: body || `The upload failed (${status}). Press Retry to continue.`, retryable: true, status };
  }

  function makeUpload(item) {
    return new tus.Upload(item.file, {
      endpoint: endpointUrl,
      chunkSize: config.chunkBytes,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      headers: { 'x-csrf-token': config.csrfToken },
      metadata: { filename: item.file.name, filetype: item.file.type || 'application/octet-stream' },
      storeFingerprintForResuming: true,
      // tus-js-client's own fingerprint (name, type, size, date, endpoint), with the company in front.
      fingerprint: (file) =>
        Promise.resolve(
          ['tus-br', config.owner, file.name, file.type, file.size, file.lastModified, endpointUrl].join('-'),
        ),
      removeFingerprintOnSuccess: true,
      onUploadUrlAvailable() {
        // A new upload: the server reserved its size and a slot; count them until the page is read again.
        if (item.reserved) return;
        item.reserved = true;
        if (room.remainingBytes !== null) room.remainingBytes -= item.file.size;
        if (room.remainingVideos !== null) room.remainingVideos -= 1;
      },
      onProgress(sent, total) {
        if (item.state === 'uploading') showProgress(item, sent, total, announce);
      },
      onSuccess() {
        item.state = 'done';
        item.claimed = false;
        showPercent(item, 100);
        showState(item, '100% · uploaded and ready.');
        announce(`${item.file.name} is uploaded and ready.`);
        void refresh();
        pump();
      },
      onError(error) {
        if (item.state !== 'uploading') return;
        const described = describeError(error);
        item.state = 'failed';
        item.retryable = described.retryable;
        showState(item, described.message);
        if (described.status === 403 && config.upgradeUrl) appendUpgradeLink(item, config.upgradeUrl);
        announce(`${item.file.name}: ${described.message}`);
        if (!described.retryable) {
          item.claimed = false;
          // The list of unfinished uploads is read again before it is said.
          Promise.all([forget(item), refresh()]).then(unfinishedNow, unfinishedNow);
        }
        pump();
      },
    });
  }

  /**
   * Queues one file whose first bytes passed. A file whose upload was started before (on this
   * page or an earlier one) resumes it: its room is reserved already, so only new uploads are
   * checked for room. Resolves to a refusal sentence, or null when queued.
   */
  async function enqueue(file) {
    const item = { id: nextId++, file, samples: [], announced: 0, claimed: false, reserved: false, retryable: true };
    item.upload = makeUpload(item);
    const previous = await item.upload.findPreviousUploads();
    if (previous.length > 0) {
      item.upload.resumeFromPreviousUpload(previous[0]);
      item.reserved = true;
    } else {
      const problem = roomProblem(file, room, pendingClaims());
      if (problem) return problem;
    }
    item.claimed = true;
    item.state = 'waiting';
    items.push(item);
    renderItem(item, queueList, { pause, resume, cancel });
    showState(item, previous.length > 0 ? 'Resuming where it stopped…' : 'Waiting…');
    return null;
  }

  input.addEventListener('change', async () => {
    const files = Array.from(input.files ?? []).slice(0, config.bulk ? undefined : 1);
    if (files.length === 0) return;
    showProblems(problems, [], null);
    // One after the other, so each file's room check counts the files queued before it.
    const sentences = [];
    let roomRefused = false;
    for (const file of files) {
      const notVideo = await signatureProblem(file);
      const refusal = notVideo ?? (await enqueue(file));
      if (refusal) sentences.push(refusal);
      if (refusal && !notVideo) roomRefused = true;
    }
    showProblems(problems, sentences, roomRefused ? config.upgradeUrl : null);
    input.value = '';
    void unfinishedNow();
    pump();
  });

  // Back online: continue what the lost connection stopped.
  window.addEventListener('online', () => {
    for (const item of items) if (item.state === 'failed' && item.retryable) resume(item);
  });

  void unfinishedNow();
}
