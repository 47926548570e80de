// Why no configuration can run: each reason once, with the configurations it refuses.

import { impossibleReason } from "@vmlab/core";

export function refusal(skipped: readonly { label: string; reason: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) {
    const reason = impossibleReason(s.reason);
    byReason.set(reason, [...(byReason.get(reason) ?? []), s.label]);
  }
  const parts = [...byReason].map(([reason, labels]) => {
    const unique = [...new Set(labels)];
    return `${reason} (${unique.length === 1 ? unique[0] : `${unique.length} configurations: ${unique.join(", ")}`})`;
  });
  return `no configuration can run, each is impossible: ${parts.join("; ")}`;
}
