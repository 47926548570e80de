// The lab in a Web Worker: runs take the page's thread no time.
import { catalog, check, quiz, run, state, trace } from "./lab.js";
import type { Reply, Request } from "./protocol.js";

function answer(r: Request): unknown {
  switch (r.op) {
    case "catalog":
      return catalog();
    case "check":
      return check(r.pick);
    case "run":
      return run(r.pick, r.edit);
    case "trace":
      return trace(r.pick, r.from, r.edit);
    case "state":
      return state(r.pick, r.from, r.step, r.edit);
    case "quiz":
      return quiz(r.seed, r.topics);
  }
}

self.onmessage = (m: MessageEvent<Request>) => {
  let reply: Reply;
  try {
    reply = { id: m.data.id, ok: true, value: answer(m.data) };
  } catch (e) {
    reply = { id: m.data.id, ok: false, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  self.postMessage(reply);
};
