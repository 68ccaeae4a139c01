// A typed client for the cchc API: openapi-fetch over the types openapi-typescript generates
// from openapi/openapi.json (src/schema.d.ts; regenerate with `npm run generate`).
import createClient, { type Client, type ClientOptions } from "openapi-fetch";

import type { components, operations, paths } from "./schema.js";

export type { components, operations, paths };

/** The document's schemas by name: `Schemas["Submission"]`, `Schemas["Problem"]`, … */
export type Schemas = components["schemas"];

export type CchcClient = Client<paths>;

/**
 * A client for the API at `baseUrl` (its origin, e.g. `https://cchc.example.vn`; paths are
 * absolute, `/api/v1/…`), sending `Authorization: Bearer <token>` when a token is given.
 */
export function createCchcClient(
  baseUrl: string,
  token?: string,
  options: Omit<ClientOptions, "baseUrl"> = {},
): CchcClient {
  const client = createClient<paths>({ ...options, baseUrl });
  if (token !== undefined) {
    client.use({
      onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}
