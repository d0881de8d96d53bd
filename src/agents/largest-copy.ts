/**
 * Of several files of one session, the largest: it holds everything the others do (an archived
 * Codex thread beside its live copy, the stub a resumed Gemini CLI run starts before it goes on
 * in the session's own file).
 */
export function largestCopies<T extends { sessionId: string; path: string; size: number }>(
  found: T[],
  why: (kept: T) => string,
): { keep: T[]; drop: { file: T; reason: string }[] } {
  const byId = new Map<string, T>();
  const drop: { file: T; reason: string }[] = [];
  for (const f of found) {
    const other = byId.get(f.sessionId);
    if (!other) {
      byId.set(f.sessionId, f);
      continue;
    }
    const [keep, dropped] = f.size > other.size ? [f, other] : [other, f];
    byId.set(f.sessionId, keep);
    drop.push({ file: dropped, reason: why(keep) });
  }
  return { keep: [...byId.values()], drop };
}
