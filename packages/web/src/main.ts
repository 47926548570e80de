const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
worker.onmessage = (m) => {
  document.getElementById("app")!.textContent = JSON.stringify(m.data).slice(0, 2000);
};
worker.postMessage({ id: 1, op: "run", pick: { scenario: "syscall", profile: "mips-like", cpu: "trap-emulate", machine: "p4-2006", host: "bare-metal" } });
