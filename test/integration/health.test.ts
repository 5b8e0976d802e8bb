import { expect } from 'chai';
import request from 'supertest';
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import { createSequelize } from '../../src/db/database.ts';
import { createRedisClient } from '../../src/db/redis-client.ts';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';
import { createReadinessService } from '../../src/services/readiness-service.ts';

describe('health endpoints', () => {
  let t: TestApp;
  before(async () => (t = await startTestApp()));
  after(() => t.close());

  it('GET /healthz answers 200 while the process is up', async () => {
    const response = await request(t.app).get('/healthz');
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: 'ok' });
  });

  it('GET /readyz answers 200 when the database (and Redis, if configured) answer', async () => {
    const response = await request(t.app).get('/readyz');
    expect(response.status).to.equal(200);
    expect(response.body.checks.database).to.equal('ok');
    expect(response.body.checks.redis).to.equal(t.config.redisUrl ? 'ok' : 'not_configured');
  });

  it('GET /readyz answers 503 naming the database when it does not answer, without crashing', async () => {
    const logger = pino({ level: 'silent' });
    const deadDatabase = createSequelize('postgres://postgres@127.0.0.1:1/none', logger);
    const readiness = createReadinessService({ sequelize: deadDatabase, redis: t.runtime.deps.redis });
    const app = createApp({ ...t.runtime.deps, services: { ...t.runtime.deps.services, readiness } });
    const response = await request(app).get('/readyz');
    await deadDatabase.close();
    expect(response.status).to.equal(503);
    expect(response.body.failing).to.deep.equal(['database']);
    expect(response.body.message).to.equal('database not answering');
    expect((await request(app).get('/healthz')).status).to.equal(200);
  });

  it('GET /readyz answers 503 naming Redis when it is configured and does not answer', async () => {
    const logger = pino({ level: 'silent' });
    const deadRedis = createRedisClient('redis://127.0.0.1:1', logger);
    const readiness = createReadinessService({ sequelize: t.runtime.deps.sequelize, redis: deadRedis });
    const app = createApp({ ...t.runtime.deps, services: { ...t.runtime.deps.services, readiness } });
    const response = await request(app).get('/readyz');
    deadRedis.disconnect();
    expect(response.status).to.equal(503);
    expect(response.body.failing).to.deep.equal(['redis']);
    expect(response.body.checks.database).to.equal('ok');
  });
});
