/* How the uploader writes sizes, speeds and time left. formatSize is the browser's copy of the server's
   formatBytes (src/domain/byte-units.ts): MB below 1 GB, GB above; a test keeps the two equal. */
const MB = 1024 * 1024;
const GB = 1024 * MB;

export function formatSize(bytes) {
  if (bytes >= GB) return `${Number((bytes / GB).toFixed(2))} GB`;
  if (bytes <= 0) return '0 MB';
  return `${Number(Math.max(0.1, bytes / MB).toFixed(1))} MB`;
}

export function formatSpeed(bytesPerSecond) {
  return `${formatSize(bytesPerSecond)}/s`;
}

export function formatTimeLeft(seconds) {
  if (!Number.isFinite(seconds)) return 'estimating time left';
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}
