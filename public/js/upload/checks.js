/*
 * What the uploader checks before a byte moves, so the creator hears at once what the server
 * would refuse anyway (the server checks all of it again): the first bytes, the per-file cap,
 * and the storage and video slots the plan has left.
 */
import { formatSize } from './format.js';

/** Resolves to null when the first bytes look like MP4/QuickTime (`ftyp` at offset 4) or WebM/Matroska (EBML header), else a sentence. */
export async function signatureProblem(file) {
  const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const ftyp = b.length >= 8 && b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70;
  const ebml = b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3;
  if (ftyp || ebml) return null;
  return `“${file.name}” is not an MP4, WebM or QuickTime video, so it was not uploaded.`;
}

/**
 * A sentence when the file does not fit the per-file cap or what the plan has left once the
 * files already queued (`claims`: bytes and videos not yet reserved on the server) are counted;
 * null when it fits. `room.remainingBytes` / `room.remainingVideos` are null when unlimited.
 */
export function roomProblem(file, room, claims) {
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > room.maxFileBytes)
    return `“${file.name}” is ${formatSize(file.size)}: files can be at most ${formatSize(room.maxFileBytes)} each.`;
  if (room.remainingVideos !== null && claims.videos + 1 > room.remainingVideos) {
    const left = Math.max(0, room.remainingVideos - claims.videos);
    return `“${file.name}” was not uploaded: your plan has ${left} video ${left === 1 ? 'slot' : 'slots'} left.`;
  }
  if (room.remainingBytes !== null && claims.bytes + file.size > room.remainingBytes) {
    const left = formatSize(Math.max(0, room.remainingBytes - claims.bytes));
    return `“${file.name}” (${formatSize(file.size)}) was not uploaded: your plan has ${left} of storage left.`;
  }
  return null;
}
