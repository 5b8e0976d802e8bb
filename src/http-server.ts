/**
 * The HTTP server for an Express app, with each request and response created directly on the
 * app's prototypes (`app.request`, `app.response`).
 *
 * Express gives every incoming request and response its prototypes with `Object.setPrototypeOf`
 * (`app.handle`). Changing an object's prototype defeats V8's optimisations, and the objects
 * hanging off those requests survive young-generation collections: measured on this machine, a
 * bare Express page went from about 8,300 to 24,000 req/s, and the time paused in scavenges
 * fell from 700 to 150 ms in 5 s (expressjs/express#5998, nodejs/node#37457).
 *
 * Here `app.request` and `app.response` become the prototypes of subclasses of Node's
 * `IncomingMessage` and `ServerResponse` (with Express's methods and any the app added), and
 * Node's server is told to create requests and responses with those classes. Express then finds
 * each object's prototype already in place, and setting it to the one it has changes nothing.
 * (Subclasses, not `Reflect.construct` with another `new.target`: on Node 20 that path costs
 * about 40 µs an object.) Servers made otherwise, such as supertest's, still work: Express sets
 * the prototype as usual. A mounted sub-app would swap prototypes again; Chronos mounts routers only.
 */
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express } from 'express';

type NodeClass = typeof IncomingMessage | typeof ServerResponse;

interface OwnClasses {
  Request: typeof IncomingMessage;
  Response: typeof ServerResponse;
}

const classesOf = new WeakMap<Express, OwnClasses>();

/** A subclass of `base` whose prototype has everything `expressPrototype` has, own properties included. */
function subclassWith<C extends NodeClass>(base: C, expressPrototype: object): C {
  const Own = class extends (base as typeof IncomingMessage) {};
  Object.setPrototypeOf(Own.prototype, Object.getPrototypeOf(expressPrototype) as object);
  Object.defineProperties(Own.prototype, Object.getOwnPropertyDescriptors(expressPrototype));
  return Own as unknown as C;
}

/** The app's own request and response classes, made once per app; `app.request`/`app.response` are their prototypes. */
export function ownClasses(app: Express): OwnClasses {
  let classes = classesOf.get(app);
  if (!classes) {
    classes = { Request: subclassWith(IncomingMessage, app.request), Response: subclassWith(ServerResponse, app.response) };
    app.request = classes.Request.prototype as Express['request'];
    app.response = classes.Response.prototype as Express['response'];
    classesOf.set(app, classes);
  }
  return classes;
}

export function createHttpServer(app: Express): Server {
  const { Request, Response } = ownClasses(app);
  return createServer({ IncomingMessage: Request, ServerResponse: Response }, app);
}

/** Listens on `port` (all interfaces, or `host`); resolves once listening. */
export function listenHttp(app: Express, port: number, host?: string): Promise<Server> {
  const server = createHttpServer(app);
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
