/**
 * AWS Signature Version 4 as S3 checks it, for the test S3 server: the signature of a request
 * (the `Authorization` header) or of a presigned URL (`X-Amz-Signature`) must be the one the
 * secret key gives, so a test passes only if the app signs like a real S3 client would: right
 * key, region, service, host, path and query. Written from AWS's published algorithm
 * ("Signature Version 4 signing process", "Authenticating requests: query parameters").
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(query: URLSearchParams): string {
  return [...query.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

interface Signed {
  credential: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  payloadHash: string;
}

function signedParts(req: IncomingMessage, query: URLSearchParams): Signed | null {
  const signature = query.get('X-Amz-Signature');
  if (signature)
    return {
      credential: query.get('X-Amz-Credential') ?? '',
      signedHeaders: (query.get('X-Amz-SignedHeaders') ?? '').split(';'),
      signature,
      amzDate: query.get('X-Amz-Date') ?? '',
      payloadHash: 'UNSIGNED-PAYLOAD',
    };
  const header = /^AWS4-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/.exec(
    req.headers.authorization ?? '',
  );
  if (!header) return null;
  return {
    credential: header[1]!,
    signedHeaders: header[2]!.split(';'),
    signature: header[3]!,
    amzDate: String(req.headers['x-amz-date'] ?? ''),
    payloadHash: String(req.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD'),
  };
}

/** Whether the request carries a valid SigV4 signature by `secretAccessKey` for service s3 in `region`. */
export function hasValidSignature(
  req: IncomingMessage,
  rawPath: string,
  query: URLSearchParams,
  secretAccessKey: string,
  region: string,
): boolean {
  const signed = signedParts(req, query);
  if (!signed) return false;
  const [, date, scopeRegion, service, terminator] = signed.credential.split('/');
  if (!date || scopeRegion !== region || service !== 's3' || terminator !== 'aws4_request') return false;
  const headers = signed.signedHeaders
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [
    req.method,
    rawPath,
    canonicalQuery(query),
    headers,
    signed.signedHeaders.join(';'),
    signed.payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', signed.amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), 's3'), 'aws4_request');
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(signed.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
