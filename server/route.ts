/**
 * What a REST route is: the table in server/app.ts lists them, each module under server/routes/
 * implements some. Its own module so that routes and the router both import it, and neither
 * imports the other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Need, RequestContext } from './auth.ts';

/** One request as a route sees it: `param` is the decoded `:id` of a parameter route. */
export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  ctx: RequestContext;
  param: string;
}

export interface Route {
  method: string;
  /** `/api/streams/:id`: at most one parameter, a whole path segment. */
  path: string;
  need: Need;
  run(call: Call): Promise<void>;
}
