// Why no configuration can run: each reason once, with the configurations it refuses.

export function refusal(skipped: readonly { label: string; reason: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.label]);
  const parts = [...byReason].map(([reason, labels]) => {
    const unique = [...new Set(labels)];
    return `${reason} (${unique.length === 1 ? unique[0] : `${unique.length} configurations: ${unique.join(", ")}`})`;
  });
  return `no configuration can run: ${parts.join("; ")}`;
}
