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

/**
 * Says which uploads to this endpoint are unfinished (besides `active` file names), and how to
 * continue them. The server names the uploads that can still take bytes (`unfinishedIds`, read
 * with the page); any other upload the browser kept (one that finished while the page was
 * reloaded, expired or was deleted) is forgotten, so it is neither offered nor resumed.
 */
export async function listUnfinished(region, urlStorage, endpointUrl, active, unfinishedIds) {
  if (!urlStorage || typeof urlStorage.findAllUploads !== 'function') return;
  const stored = (await urlStorage.findAllUploads()).filter(
    (upload) =>
      upload.uploadUrl?.startsWith(endpointUrl) && upload.metadata?.filename && !active.includes(upload.metadata.filename),
  );
  const open = (upload) => unfinishedIds.includes(upload.uploadUrl.slice(upload.uploadUrl.lastIndexOf('/') + 1));
  await Promise.all(stored.filter((upload) => !open(upload)).map((upload) => urlStorage.removeUpload(upload.urlStorageKey)));
  const names = stored.filter(open).map((upload) => upload.metadata.filename);
  region.textContent = '';
  region.hidden = names.length === 0;
  if (names.length === 0) return;
  const one = names.length === 1;
  const p = document.createElement('p');
  p.className = 'notice notice-info';
  p.textContent = `Unfinished ${one ? 'upload' : 'uploads'}: ${names.join(', ')}. Choose the same ${one ? 'file' : 'files'} again to continue where ${one ? 'it' : 'they'} stopped.`;
  region.append(p);
}
