// The page's side of the lab worker: one request, one promised answer.
import type { QuizTopic } from "@vmlab/course";
import type { TraceStart } from "@vmlab/report";
import type { Edit, Pick, Replies, Reply, Request } from "./protocol.js";

type Ask =
  | { op: "catalog" }
  | { op: "check"; pick: Pick }
  | { op: "run"; pick: Pick; edit?: Edit }
  | { op: "trace"; pick: Pick; from: TraceStart; edit?: Edit }
  | { op: "state"; pick: Pick; from: TraceStart; edit?: Edit; step: number }
  | { op: "quiz"; seed: number; topics: readonly QuizTopic[] };

export class Lab {
  private readonly worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker.onmessage = (m: MessageEvent<Reply>) => {
      const w = this.waiting.get(m.data.id);
      if (!w) return;
      this.waiting.delete(m.data.id);
      if (m.data.ok) w.resolve(m.data.value);
      else w.reject(new Error(m.data.message));
    };
    this.worker.onerror = (e) => {
      for (const w of this.waiting.values()) w.reject(new Error(`the lab worker failed: ${e.message}`));
      this.waiting.clear();
    };
  }

  ask<A extends Ask>(request: A): Promise<Replies[A["op"]]> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...request, id } as Request);
    });
  }
}
