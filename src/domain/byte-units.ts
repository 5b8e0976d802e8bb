/**
 * The one way Chronos writes a size, on pages, in charts and in messages that name a limit:
 * MB below 1 GB, GB from there (1 GB = 1024³ bytes, as the tier table counts), so sizes compare
 * at a glance. "1 GB", "1.5 GB", "300 MB", "12.4 MB"; a non-empty file is never shown as 0 MB.
 */
const GB = 1024 ** 3;
const MB = 1024 ** 2;

export function formatBytes(bytes: number): string {
  if (bytes >= GB) return `${Number((bytes / GB).toFixed(2))} GB`;
  if (bytes <= 0) return '0 MB';
  return `${Number(Math.max(0.1, bytes / MB).toFixed(1))} MB`;
}
