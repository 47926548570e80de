// `vmlab serve`'s static server: the files under its folder, and nothing outside it.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileFor, serveStatic, type StaticServer } from "../src/static-server.js";
import { vmlabInProcess } from "./run-cli.js";

let root: string;
let served: StaticServer;

beforeAll(async () => {
  const top = mkdtempSync(join(tmpdir(), "vmlab-static-"));
  root = join(top, "site");
  mkdirSync(join(root, "assets"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<!doctype html><p>hi</p>");
  writeFileSync(join(root, "assets", "app.js"), "export {};");
  writeFileSync(join(top, "secret.txt"), "outside");
  served = await serveStatic(root);
});

afterAll(() => served.close());

describe("the static server", () => {
  it("serves the folder's files with their types, index.html for a folder", async () => {
    const page = await fetch(served.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toBe("<!doctype html><p>hi</p>");
    const script = await fetch(`${served.url}assets/app.js?v=1`);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await fetch(`${served.url}assets/missing.js`)).status).toBe(404);
    expect((await fetch(served.url, { method: "POST" })).status).toBe(405);
  });

  it("names no file outside its folder, however the path is spelled", () => {
    for (const path of ["/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%00", "/%zz"]) expect(fileFor(root, path), path).toBeUndefined();
    expect(fileFor(root, "/assets/../index.html")).toBe(join(root, "index.html"));
  });

  it("vmlab serve on a port in use says so, in one line", async () => {
    const port = served.server.address() as { port: number };
    const r = await vmlabInProcess(["serve", "--port", String(port.port)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vmlab: port ${port.port} on 127.0.0.1 is in use: pick another with --port N\n`);
  });
});
