import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { loadConfig } from '../../src/config/config.ts';
import { createSessionMiddleware } from '../../src/sessions/session-middleware.ts';
import { MemorySessionStore } from '../../src/sessions/memory-session-store.ts';

describe('session cookie in production', () => {
  it('is named __Host-chronos.sid and is Secure behind an https proxy', async () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      APP_URL: 'https://chronos.example.com',
      SESSION_SECRET: 's'.repeat(40),
      DATABASE_URL: 'postgres://db/x?sslmode=require',
      REDIS_URL: 'redis://cache:6379',
      WHOP_API_KEY: 'k',
      WHOP_CLIENT_ID: 'c',
      WHOP_CLIENT_SECRET: 's',
      WHOP_APP_ID: 'app_x',
      WHOP_COMPANY_ID: 'biz_x',
      WHOP_WEBHOOK_SECRET: 'ws_secret_value',
      WHOP_TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
      WHOP_TIER_PRODUCTS: '{}',
      ADMIN_WHOP_USER_IDS: 'user_a',
      SMTP_URL: 'smtps://mail:465',
      MAIL_FROM: 'x@y.z',
      STORAGE: 'disk',
    });
    const store = new MemorySessionStore({ defaultTtlMs: 60_000 });
    const app = express();
    app.set('trust proxy', 1);
    app.use(createSessionMiddleware(config, store));
    app.get('/', (req, res) => {
      req.session.userId = 1;
      res.end();
    });
    const response = await request(app).get('/').set('x-forwarded-proto', 'https');
    store.close();
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).to.match(/^__Host-chronos\.sid=/);
    expect(cookie).to.contain('Secure');
    expect(cookie).to.contain('Path=/');
    expect(cookie).not.to.contain('Domain=');
  });
});
