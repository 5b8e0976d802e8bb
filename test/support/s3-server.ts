/**
 * An S3-protocol server for tests, in this process on a free loopback port: the REST API
 * (path-style) that the AWS SDK, @tus/s3-store and a presigned URL use, over real HTTP.
 *
 * Why our own: no complete S3 server installs here. s3rver 3.7.1 (npm) answers ListParts and
 * AbortMultipartUpload with MethodNotAllowed and ListMultipartUploads with NotImplemented, and
 * @tus/s3-store needs all three (every PATCH lists the parts); its forks (@20minutes/s3rver,
 * @push.rocks/smarts3) share that, fauxqs lacks ListParts and needs Node 22.5; MinIO and moto
 * come only from registries this project cannot reach. So this keeps to S3's documented wire
 * format: XML bodies, S3 error codes and statuses (NoSuchKey 404, InvalidRange 416, NoSuchUpload
 * 404), `aws-chunked` bodies, ranged GETs, presigned URLs refused once `X-Amz-Expires` has passed,
 * and requests refused without SigV4 credentials of the configured key. It keeps objects in memory.
 * `pageSize` lowers the 1000 keys of a ListObjectsV2 page so paging is exercised.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasValidSignature } from './s3-signature.ts';

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Every object key in the bucket, sorted (to see what the storage left behind). */
  objectKeys(): string[];
  /** Keys of the multipart uploads still open. */
  openUploads(): string[];
  close(): Promise<void>;
}

interface StoredObject {
  body: Buffer;
  lastModified: Date;
  metadata: Record<string, string>;
  contentType: string;
}

interface MultipartUpload {
  key: string;
  initiated: Date;
  parts: Map<number, Buffer>;
}

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const esc = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const etag = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;

export async function startS3Server(options: { now?: () => number; pageSize?: number } = {}): Promise<TestS3Server> {
  const now = options.now ?? Date.now;
  const pageSize = options.pageSize ?? 1000;
  const bucket = 'chronos-test-media';
  const region = 'us-east-1';
  const accessKeyId = 'CHRONOSTESTKEY';
  const secretAccessKey = randomUUID();
  const buckets = new Map<string, Map<string, StoredObject>>();
  const uploads = new Map<string, MultipartUpload>();

  function objectsOf(name: string): Map<string, StoredObject> {
    const objects = buckets.get(name);
    if (!objects) throw new S3Error(404, 'NoSuchBucket');
    return objects;
  }

  function authorize(req: IncomingMessage, query: URLSearchParams): void {
    const credential = query.get('X-Amz-Credential') ?? /Credential=([^,]+)/.exec(req.headers.authorization ?? '')?.[1];
    if (credential?.split('/')[0] !== accessKeyId) throw new S3Error(403, 'InvalidAccessKeyId');
    const rawPath = (req.url ?? '/').split('?')[0]!;
    if (!hasValidSignature(req, rawPath, query, secretAccessKey, region))
      throw new S3Error(403, 'SignatureDoesNotMatch');
    const signedAt = query.get('X-Amz-Date');
    if (!signedAt) return;
    const at = Date.parse(signedAt.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const expires = Number(query.get('X-Amz-Expires'));
    if (!Number.isFinite(at) || !(expires >= 1 && expires <= 604800))
      throw new S3Error(400, 'AuthorizationQueryParametersError');
    if (now() > at + expires * 1000) throw new S3Error(403, 'AccessDenied');
  }

  async function bodyOf(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const chunked =
      String(req.headers['content-encoding'] ?? '').includes('aws-chunked') ||
      String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
    return chunked ? decodeAwsChunked(raw) : raw;
  }

  function getObject(res: ServerResponse, object: StoredObject, req: IncomingMessage, query: URLSearchParams) {
    const size = object.body.length;
    const headers: Record<string, string | number> = {
      'content-type': query.get('response-content-type') ?? object.contentType,
      etag: etag(object.body),
      'last-modified': object.lastModified.toUTCString(),
      'accept-ranges': 'bytes',
    };
    for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!range) {
      res.writeHead(200, { ...headers, 'content-length': size });
      return void res.end(req.method === 'HEAD' ? undefined : object.body);
    }
    const start = Number(range[1]);
    if (start >= size) throw new S3Error(416, 'InvalidRange');
    const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
    const part = object.body.subarray(start, end + 1);
    res.writeHead(206, { ...headers, 'content-length': part.length, 'content-range': `bytes ${start}-${end}/${size}` });
    res.end(req.method === 'HEAD' ? undefined : part);
  }

  function listObjects(res: ServerResponse, objects: Map<string, StoredObject>, query: URLSearchParams) {
    const prefix = query.get('prefix') ?? '';
    const after = query.get('continuation-token') ?? query.get('start-after') ?? '';
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
    const page = keys.slice(0, Math.min(Number(query.get('max-keys') ?? pageSize), pageSize));
    const truncated = keys.length > page.length;
    const contents = page.map((key) => {
      const o = objects.get(key)!;
      return `<Contents><Key>${esc(key)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${esc(etag(o.body))}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    });
    const next = truncated ? `<NextContinuationToken>${esc(page.at(-1)!)}</NextContinuationToken>` : '';
    send(
      res,
      200,
      `<ListBucketResult><Name>${bucket}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${pageSize}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}${contents.join('')}</ListBucketResult>`,
    );
  }

  function uploadOf(query: URLSearchParams, key: string): MultipartUpload {
    const upload = uploads.get(query.get('uploadId') ?? '');
    if (!upload || upload.key !== key) throw new S3Error(404, 'NoSuchUpload');
    return upload;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://s3.test');
    const query = url.searchParams;
    authorize(req, query);
    const [, bucketName = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const method = req.method ?? 'GET';
    if (!key) {
      if (method === 'PUT') {
        buckets.set(bucketName, buckets.get(bucketName) ?? new Map());
        return send(res, 200);
      }
      const objects = objectsOf(bucketName);
      if (method === 'GET' && query.has('uploads')) {
        const prefix = query.get('prefix') ?? '';
        const open = [...uploads].filter(([, u]) => u.key.startsWith(prefix));
        const items = open.map(
          ([id, u]) =>
            `<Upload><Key>${esc(u.key)}</Key><UploadId>${id}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`,
        );
        return send(
          res,
          200,
          `<ListMultipartUploadsResult><Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated>${items.join('')}</ListMultipartUploadsResult>`,
        );
      }
      if (method === 'GET') return listObjects(res, objects, query);
      if (method === 'POST' && query.has('delete')) {
        const request = (await bodyOf(req)).toString();
        const keys = [...request.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => unescapeXml(m[1]!));
        for (const k of keys) objects.delete(k);
        const quiet = /<Quiet>true<\/Quiet>/.test(request);
        const deleted = quiet ? '' : keys.map((k) => `<Deleted><Key>${esc(k)}</Key></Deleted>`).join('');
        return send(res, 200, `<DeleteResult>${deleted}</DeleteResult>`);
      }
      throw new S3Error(501, 'NotImplemented');
    }
    const objects = objectsOf(bucketName);
    if (method === 'POST' && query.has('uploads')) {
      const uploadId = randomUUID();
      uploads.set(uploadId, { key, initiated: new Date(now()), parts: new Map() });
      return send(
        res,
        200,
        `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${esc(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    if (query.has('uploadId')) {
      const upload = uploadOf(query, key);
      if (method === 'PUT') {
        const body = await bodyOf(req);
        upload.parts.set(Number(query.get('partNumber')), body);
        res.writeHead(200, { etag: etag(body) });
        return void res.end();
      }
      if (method === 'GET') {
        const parts = [...upload.parts].sort(([a], [b]) => a - b);
        const items = parts.map(
          ([n, b]) => `<Part><PartNumber>${n}</PartNumber><ETag>${esc(etag(b))}</ETag><Size>${b.length}</Size></Part>`,
        );
        return send(
          res,
          200,
          `<ListPartsResult><Bucket>${bucket}</Bucket><Key>${esc(key)}</Key><UploadId>${query.get('uploadId')}</UploadId><IsTruncated>false</IsTruncated>${items.join('')}</ListPartsResult>`,
        );
      }
      if (method === 'DELETE') {
        uploads.delete(query.get('uploadId')!);
        return send(res, 204);
      }
      if (method === 'POST') {
        const numbers = [...(await bodyOf(req)).toString().matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) =>
          Number(m[1]),
        );
        const parts = numbers.map((n) => upload.parts.get(n));
        if (parts.some((p) => p === undefined)) throw new S3Error(400, 'InvalidPart');
        const body = Buffer.concat(parts as Buffer[]);
        objects.set(key, {
          body,
          lastModified: new Date(now()),
          metadata: {},
          contentType: 'application/octet-stream',
        });
        uploads.delete(query.get('uploadId')!);
        return send(
          res,
          200,
          `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${esc(key)}</Key><ETag>${esc(etag(body))}</ETag></CompleteMultipartUploadResult>`,
        );
      }
    }
    if (method === 'PUT') {
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice(11)] = value;
      const body = await bodyOf(req);
      const contentType = req.headers['content-type'] ?? 'application/octet-stream';
      objects.set(key, { body, lastModified: new Date(now()), metadata, contentType });
      res.writeHead(200, { etag: etag(body) });
      return void res.end();
    }
    if (method === 'GET' || method === 'HEAD') {
      const object = objects.get(key);
      if (!object) throw new S3Error(404, 'NoSuchKey');
      return getObject(res, object, req, query);
    }
    if (method === 'DELETE') {
      objects.delete(key);
      return send(res, 204);
    }
    throw new S3Error(405, 'MethodNotAllowed');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const { status, code } = error instanceof S3Error ? error : { status: 500, code: 'InternalError' };
      req.resume();
      if (req.method === 'HEAD') return send(res, status);
      send(res, status, `<Error><Code>${code}</Code><Message>${code}</Message></Error>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  buckets.set(bucket, new Map());

  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region,
    accessKeyId,
    secretAccessKey,
    objectKeys: () => [...objectsOf(bucket).keys()].sort(),
    openUploads: () => [...uploads.values()].map((u) => u.key).sort(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: ServerResponse, status: number, body?: string): void {
  if (body === undefined) {
    res.writeHead(status);
    return void res.end();
  }
  const text = xml(body);
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function unescapeXml(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** An `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`, ending with a 0-size chunk and trailers. */
function decodeAwsChunked(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(at, lineEnd).toString().split(';')[0]!, 16);
    if (!(size > 0)) break;
    out.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}
