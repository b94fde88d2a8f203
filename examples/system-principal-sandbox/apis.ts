// Two small APIs the catalog does not know, described by OpenAPI documents so their stand-ins can
// validate every request: a weather API keyed by an X-Api-Key header, and Cloudflare's token
// verification endpoint (Authorization: Bearer <API token>).
import type { CatalogProvider } from "../../catalog/index.js";

export const WEATHER_DOC = {
  openapi: "3.1.0",
  info: { title: "Acme Weather", version: "1.0.0" },
  servers: [{ url: "https://api.acme-weather.example/v1" }],
  security: [{ apiKey: [] }],
  components: { securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" } } },
  paths: {
    "/forecast": {
      get: {
        operationId: "getForecast",
        parameters: [
          { name: "city", in: "query", required: true, schema: { type: "string", minLength: 1 } },
          { name: "days", in: "query", schema: { type: "integer", minimum: 1, maximum: 7 } },
        ],
        responses: {
          "200": {
            description: "forecast",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["city", "days"],
                  properties: {
                    city: { type: "string" },
                    days: { type: "array", items: { type: "object", required: ["date", "highC"], properties: { date: { type: "string", format: "date" }, highC: { type: "number" } } } },
                  },
                },
                example: { city: "Lisbon", days: [{ date: "2026-11-26", highC: 18 }, { date: "2026-11-27", highC: 17 }] },
              },
            },
          },
        },
      },
    },
  },
};

export const CLOUDFLARE_DOC = {
  openapi: "3.0.3",
  info: { title: "Cloudflare API (token verification)", version: "4.0.0" },
  servers: [{ url: "https://api.cloudflare.com/client/v4" }],
  security: [{ apiToken: [] }],
  components: { securitySchemes: { apiToken: { type: "http", scheme: "bearer" } } },
  paths: {
    "/user/tokens/verify": {
      get: {
        operationId: "user-api-tokens-verify-token",
        responses: {
          "200": {
            description: "the token is valid",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["success", "result"],
                  properties: {
                    success: { type: "boolean" },
                    errors: { type: "array", items: {} },
                    messages: { type: "array", items: {} },
                    result: { type: "object", required: ["id", "status"], properties: { id: { type: "string" }, status: { type: "string", enum: ["active", "disabled", "expired"] } } },
                  },
                },
                example: { success: true, errors: [], messages: [], result: { id: "ed17574386854bf78a67040be0a770b0", status: "active" } },
              },
            },
          },
        },
      },
    },
  },
};

/** A catalog-shaped entry for an API outside the catalog, for the stand-in. */
export function customEntry(id: string, name: string, baseUrl: string, injection: CatalogProvider["injection"]): CatalogProvider {
  return {
    id,
    name,
    specFile: `${id}.json`,
    source: { package: "(hand-written)", version: "1.0.0", path: `${id}.json` },
    sha256: "0".repeat(64),
    baseUrl,
    hosts: [new URL(baseUrl).host],
    injection,
    namespaceBy: "tag",
  };
}
