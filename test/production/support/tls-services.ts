/**
 * The managed services of a deploy rehearsal: a PostgreSQL that accepts TLS connections only
 * (`ssl=on`, `hostssl` in its pg_hba.conf) and a Redis that listens on a `tls-port` only, both
 * with a certificate for 127.0.0.1 signed by a certificate authority this test makes with
 * `openssl`; plus a second, unrelated authority, for the wrong-CA checks.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { freePort } from '../../support/free-port.ts';
import { startPrivatePostgres, type PrivateService } from '../../support/private-services.ts';
import { until } from '../../support/wait.ts';

const run = promisify(execFile);

export interface Certificates {
  dir: string;
  /** The authority that signed the servers' certificate (PEM file). */
  caFile: string;
  /** An authority that signed nothing here. */
  wrongCaFile: string;
  certFile: string;
  keyFile: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd });
}

async function authority(dir: string, name: string): Promise<void> {
  await openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-subj',
      `/CN=Chronos rehearsal ${name}`,
    ]),
    dir,
  );
}

/** A CA, a server certificate for IP 127.0.0.1 signed by it, and a wrong CA; readable by the `postgres` user when run as root. */
export async function makeCertificates(): Promise<Certificates> {
  const dir = mkdtempSync(join(tmpdir(), 'chronos-rehearsal-tls-'));
  await authority(dir, 'ca');
  await authority(dir, 'wrong-ca');
  await openssl(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    ]),
    dir,
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  await openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2'].concat([
      '-extfile',
      'server.ext',
      '-out',
      'server.crt',
    ]),
    dir,
  );
  if (process.getuid?.() === 0) {
    // PostgreSQL runs as `postgres` and wants its key owned by that user, mode 0600.
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
      run('id', ['-u', 'postgres']),
      run('id', ['-g', 'postgres']),
    ]);
    for (const file of ['', 'server.key', 'server.crt', 'ca.crt'])
      chownSync(join(dir, file), Number(uid.trim()), Number(gid.trim()));
  }
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    wrongCaFile: join(dir, 'wrong-ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
  };
}

/** A PostgreSQL on 127.0.0.1 that refuses every connection without TLS. */
export async function startTlsPostgres(certs: Certificates): Promise<PrivateService> {
  const hba = join(certs.dir, 'pg_hba.conf');
  writeFileSync(hba, 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    chownSync(hba, Number(stdout.trim()), -1);
  }
  return startPrivatePostgres({
    settings: { ssl: 'on', ssl_cert_file: certs.certFile, ssl_key_file: certs.keyFile, hba_file: hba },
  });
}

export interface TlsRedis {
  port: number;
  close(): Promise<void>;
}

function answersPingOverTls(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca }, () => socket.write('PING\r\n'));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString().startsWith('+PONG'));
    });
  });
}

/** A redis-server that listens with TLS only (`--port 0 --tls-port`); clients need no certificate of their own. */
export async function startTlsRedis(certs: Certificates): Promise<TlsRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1'].concat([
      '--tls-cert-file',
      certs.certFile,
      '--tls-key-file',
      certs.keyFile,
      '--tls-ca-cert-file',
      certs.caFile,
      '--tls-auth-clients',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
    ]),
    { stdio: 'ignore' },
  );
  const kill = () => child.kill('SIGKILL');
  process.on('exit', kill);
  const ca = readFileSync(certs.caFile, 'utf8');
  await until(
    async () => {
      if (await answersPingOverTls(port, ca)) return true;
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): is it built with TLS?`);
      return false;
    },
    { what: `redis-server with tls-port ${port} answering`, timeoutMs: 20_000, intervalMs: 50 },
  );
  return {
    port,
    async close() {
      process.off('exit', kill);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      kill();
      await exited;
    },
  };
}

export function removeCertificates(certs: Certificates | undefined): void {
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
}
