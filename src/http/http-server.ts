/**
 * The HTTP server for an Express app, with each request and response created by Node's server
 * directly on the app's prototypes, so Express's per-request `Object.setPrototypeOf` (in
 * `app.handle`) finds the prototype already in place and changes nothing.
 *
 * Why: changing an object's prototype sends V8 off its optimised paths for that object, and a
 * response streamed in many chunks pays for it on every chunk. In `npm run bench media-range`
 * (1 MiB ranges, 16 writes each) Chronos served about 45% more requests with it and used about
 * 30% less CPU per request (README "Public APIs only: the A/B"; the bench prints the A/B).
 *
 * The one private part this leans on, and the only module that does: Express's `app.request`
 * and `app.response` are the objects it gives each request and response as prototypes. Node's
 * half is public (`http.createServer({ IncomingMessage, ServerResponse })`). Here those two
 * objects become the prototypes of subclasses of Node's classes (with every method Express and
 * the app put on them), and the server creates its objects with those classes. If Express stops
 * taking its prototypes from `app.request`/`app.response`, test/http/http-server.test.ts fails.
 * (Subclasses, not `Reflect.construct` with another `new.target`: on Node 20 that costs about 40 µs
 * an object.) Servers made otherwise, supertest's say, still work: Express swaps as usual.
 */
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express } from 'express';

type NodeClass = typeof IncomingMessage | typeof ServerResponse;

export interface AppClasses {
  Request: typeof IncomingMessage;
  Response: typeof ServerResponse;
}

const classesOf = new WeakMap<Express, AppClasses>();

/** A subclass of `base` whose prototype holds everything `expressPrototype` holds, own properties included. */
function subclassWith<C extends NodeClass>(base: C, expressPrototype: object): C {
  const Own = class extends (base as typeof IncomingMessage) {};
  Object.setPrototypeOf(Own.prototype, Object.getPrototypeOf(expressPrototype) as object);
  Object.defineProperties(Own.prototype, Object.getOwnPropertyDescriptors(expressPrototype));
  return Own as unknown as C;
}

/** The app's request and response classes, made once per app; `app.request`/`app.response` become their prototypes. */
export function appClasses(app: Express): AppClasses {
  let classes = classesOf.get(app);
  if (!classes) {
    classes = {
      Request: subclassWith(IncomingMessage, app.request),
      Response: subclassWith(ServerResponse, app.response),
    };
    app.request = classes.Request.prototype as Express['request'];
    app.response = classes.Response.prototype as Express['response'];
    classesOf.set(app, classes);
  }
  return classes;
}

export function createHttpServer(app: Express): Server {
  const { Request, Response } = appClasses(app);
  return createServer({ IncomingMessage: Request, ServerResponse: Response }, app);
}

/** Listens on `port` (all interfaces, or `host`); resolves once listening. */
export function listenHttp(app: Express, port: number, host?: string): Promise<Server> {
  return listen(createHttpServer(app), port, host);
}

/** Starts `server` listening on `port` (all interfaces, or `host`); rejects with the port's error. */
export function listen(server: Server, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve(server);
    };
    if (host) server.listen(port, host, listening);
    else server.listen(port, listening);
  });
}
