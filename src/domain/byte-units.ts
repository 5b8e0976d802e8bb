/**
 * Sizes in sentences (limits, refusals, charts): GB, MB, KB (1 GB = 1024³ bytes, as the tier table
 * counts). The video library's size column uses `formatFileSize` (src/views/view-helpers.ts) instead;
 * the two are to become one style (issue 18).
 */
const GB = 1024 ** 3;
const MB = 1024 ** 2;

export function formatBytes(bytes: number): string {
  if (bytes >= GB) return `${(bytes / GB).toFixed(bytes % GB === 0 ? 0 : 1)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(bytes % MB === 0 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
