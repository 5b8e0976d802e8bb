/*
 * The parts of the library page around the queue: the problems found in the picker, the list
 * of videos and the plan's room (read again after an upload ends), and the uploads an earlier
 * visit left unfinished (from tus-js-client's URL storage).
 */

/** Lists the picker's refusals in the alert region, with the upgrade link when a limit was the reason. */
export function showProblems(region, sentences, upgradeUrl) {
  region.textContent = '';
  region.className = 'upload-problems';
  if (sentences.length === 0) return;
  const list = document.createElement('ul');
  for (const sentence of sentences) {
    const li = document.createElement('li');
    li.textContent = sentence;
    list.append(li);
  }
  region.append(list);
  if (upgradeUrl) {
    const p = document.createElement('p');
    const link = document.createElement('a');
    link.href = upgradeUrl;
    link.textContent = 'Upgrade your plan for more room';
    p.append(link);
    region.append(p);
  }
  region.className = 'upload-problems notice notice-error';
}

/**
 * Reads the library page again and swaps in its list, its count and the room sentence;
 * resolves to the uploader's fresh data attributes (the room left), or null when it could not.
 */
export async function refreshLibrary() {
  try {
    const response = await fetch(window.location.pathname, { credentials: 'same-origin', headers: { accept: 'text/html' } });
    if (!response.ok) return null;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const id of ['video-list-region', 'library-heading', 'upload-help']) {
      const current = document.getElementById(id);
      const replacement = fresh.getElementById(id);
      if (current && replacement) current.replaceWith(document.importNode(replacement, true));
    }
    return fresh.getElementById('uploader')?.dataset ?? null;
  } catch {
    return null;
  }
}

/** Uploads started less than this long before the page's list was read may be missing from it. */
const LIST_MARGIN_MS = 60_000;

/**
 * Whether the server can still take bytes of a stored upload, asked with a tus HEAD: not when it has
 * them all (a finished upload answers complete) or no longer has it (404, 410). When it cannot be
 * asked, the stored upload is kept.
 */
async function takesMoreBytes(upload, csrfToken) {
  try {
    const answer = await fetch(upload.uploadUrl, {
      method: 'HEAD',
      credentials: 'same-origin',
      headers: { 'Tus-Resumable': '1.0.0', 'x-csrf-token': csrfToken },
    });
    if (answer.status === 404 || answer.status === 410) return false;
    const offset = answer.headers.get('Upload-Offset');
    return !(answer.ok && offset !== null && offset === answer.headers.get('Upload-Length'));
  } catch {
    return true;
  }
}

/**
 * Says which of this company's uploads are unfinished (besides the `active` file names), and how to
 * continue them. The server names the uploads that can still take bytes (`unfinishedIds`, read with
 * the page at `since`). Any other upload this company's uploader kept is forgotten, neither offered
 * nor resumed (it finished while the page was reloaded, expired or was deleted); one started shortly
 * before the list was read, perhaps in another tab, is asked about first. Another company's uploads
 * are left alone.
 */
export async function listUnfinished(region, urlStorage, { endpointUrl, owner, active, unfinishedIds, since, csrfToken }) {
  if (!urlStorage || typeof urlStorage.findAllUploads !== 'function') return;
  const stored = (await urlStorage.findAllUploads()).filter(
    (upload) =>
      upload.urlStorageKey?.startsWith(`tus::tus-br-${owner}-`) &&
      upload.uploadUrl?.startsWith(endpointUrl) &&
      upload.metadata?.filename &&
      !active.includes(upload.metadata.filename),
  );
  const listed = (upload) => unfinishedIds.includes(upload.uploadUrl.slice(upload.uploadUrl.lastIndexOf('/') + 1));
  const recent = (upload) => !(Date.parse(upload.creationTime) < since - LIST_MARGIN_MS);
  const open = await Promise.all(
    stored.map((upload) => listed(upload) || (recent(upload) && takesMoreBytes(upload, csrfToken))),
  );
  const gone = stored.filter((_, i) => !open[i]);
  await Promise.all(gone.map((upload) => urlStorage.removeUpload(upload.urlStorageKey)));
  const names = stored.filter((_, i) => open[i]).map((upload) => upload.metadata.filename);
  region.textContent = '';
  region.hidden = names.length === 0;
  if (names.length === 0) return;
  const one = names.length === 1;
  const p = document.createElement('p');
  p.className = 'notice notice-info';
  p.textContent = `Unfinished ${one ? 'upload' : 'uploads'}: ${names.join(', ')}. Choose the same ${one ? 'file' : 'files'} again to continue where ${one ? 'it' : 'they'} stopped.`;
  region.append(p);
}
