// Y's baseline: a bare node:http handler answering what `{ __typename }` answers.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serveChild } from "./child.ts";

const body = JSON.stringify({ data: { __typename: "Query" } });

await serveChild(async () => {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    statements: () => 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
