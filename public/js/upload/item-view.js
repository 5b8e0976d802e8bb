/*
 * One file's row in the upload queue: its name, a <progress> with percentage, size, speed and
 * time left under it, and the buttons that make sense in its state. Progress is announced to
 * screen readers politely, in quarters, so they are told without being flooded.
 */
import { formatSize, formatSpeed, formatTimeLeft } from './format.js';

function button(label, fileName, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'button button-small button-secondary';
  b.textContent = label;
  const hidden = document.createElement('span');
  hidden.className = 'visually-hidden';
  hidden.textContent = ` ${fileName}`;
  b.append(hidden);
  b.addEventListener('click', onClick);
  return b;
}

/** Adds the item's row to `list`; `actions` has the pause, resume, retry and cancel handlers. */
export function renderItem(item, list, actions) {
  const li = document.createElement('li');
  li.className = 'upload-item';
  const labelId = `upload-item-${item.id}-name`;
  const name = document.createElement('p');
  name.className = 'upload-name';
  name.id = labelId;
  name.textContent = `${item.file.name} (${formatSize(item.file.size)})`;
  const progress = document.createElement('progress');
  progress.max = 100;
  progress.value = 0;
  progress.setAttribute('aria-labelledby', labelId);
  progress.textContent = '0%';
  const text = document.createElement('p');
  text.className = 'upload-status small';
  const buttons = document.createElement('div');
  buttons.className = 'upload-actions';
  item.ui = {
    li,
    progress,
    text,
    pause: button('Pause', item.file.name, () => actions.pause(item)),
    resume: button('Resume', item.file.name, () => actions.resume(item)),
    retry: button('Retry', item.file.name, () => actions.resume(item)),
    cancel: button('Cancel', item.file.name, () => actions.cancel(item)),
  };
  buttons.append(item.ui.pause, item.ui.resume, item.ui.retry, item.ui.cancel);
  li.append(name, progress, text, buttons);
  list.append(li);
}

/** Shows the item's state: which buttons make sense, and (when given) the line under the bar. */
export function showState(item, statusText) {
  const s = item.state;
  item.ui.li.dataset.state = s;
  item.ui.pause.hidden = s !== 'uploading';
  item.ui.resume.hidden = s !== 'paused';
  item.ui.retry.hidden = !(s === 'failed' && item.retryable);
  item.ui.cancel.hidden = s === 'done' || s === 'cancelled' || (s === 'failed' && !item.retryable);
  if (statusText !== undefined) item.ui.text.textContent = statusText;
}

export function showPercent(item, percent) {
  item.ui.progress.value = percent;
  item.ui.progress.textContent = `${percent}%`;
}

/** The bar and its line from tus's progress: speed over the last few seconds, and the time left at that speed. */
export function showProgress(item, sent, total, announce) {
  const percent = total > 0 ? Math.floor((sent / total) * 100) : 0;
  showPercent(item, percent);
  const now = Date.now();
  item.samples.push([now, sent]);
  while (item.samples.length > 2 && now - item.samples[0][0] > 8000) item.samples.shift();
  const [startedAt, startedWith] = item.samples[0];
  const elapsed = (now - startedAt) / 1000;
  const speed = elapsed > 0.2 ? (sent - startedWith) / elapsed : NaN;
  const parts = [`${percent}%`, `${formatSize(sent)} of ${formatSize(total)}`];
  if (Number.isFinite(speed) && speed > 0) parts.push(formatSpeed(speed), formatTimeLeft((total - sent) / speed));
  else if (percent < 100) parts.push('estimating time left');
  showState(item, parts.join(' · '));
  const step = Math.floor(percent / 25) * 25;
  if (step > item.announced && percent < 100) {
    item.announced = step;
    announce(`${item.file.name}: ${step}% uploaded.`);
  }
}

/** Adds the upgrade link after a refusal that names a limit. */
export function appendUpgradeLink(item, href) {
  const link = document.createElement('a');
  link.href = href;
  link.textContent = 'Upgrade your plan';
  item.ui.text.append(' ', link);
}
