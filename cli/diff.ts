// A small unified-diff generator for --fix-dry-run, in the format `git apply` and `patch -p1` read.
// Lines keep their terminators, so CRLF and a missing final newline show exactly as they are on disk.

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Lines with their terminators; the last one may have none. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Longest common subsequence on the part that differs (fixes are local, so it is small). */
function editScript(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) endA--, endB--;
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const middle: Op[] = [];
  const n = midA.length;
  const m = midB.length;
  if (n * m > 4_000_000) {
    // Too big to compare line by line: still a correct diff, only not the shortest.
    middle.push(...midA.map((line): Op => ({ kind: '-', line })), ...midB.map((line): Op => ({ kind: '+', line })));
  } else {
    // lengths[i * (m + 1) + j]: LCS length of midA[i..] and midB[j..].
    const lengths = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i * (m + 1) + j] = midA[i] === midB[j]
          ? lengths[(i + 1) * (m + 1) + j + 1] + 1
          : Math.max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) middle.push({ kind: ' ', line: midA[i++] }), j++;
      // Deletions before insertions, as diff(1) prints them.
      else if (i < n && (j === m || lengths[(i + 1) * (m + 1) + j] >= lengths[i * (m + 1) + j + 1])) middle.push({ kind: '-', line: midA[i++] });
      else middle.push({ kind: '+', line: midB[j++] });
    }
  }
  return [
    ...a.slice(0, start).map((line): Op => ({ kind: ' ', line })),
    ...middle,
    ...a.slice(endA).map((line): Op => ({ kind: ' ', line })),
  ];
}

function hunkLine({ kind, line }: Op): string {
  return line.endsWith('\n') ? `${kind}${line}` : `${kind}${line}\n\\ No newline at end of file\n`;
}

/**
 * `--- a/<name>` / `+++ b/<name>` and hunks with `context` lines around each change; `before` null means
 * the file is created (`--- /dev/null`). Empty when nothing changes.
 */
export function unifiedDiff(name: string, before: string | null, after: string, context = 3): string {
  const ops = editScript(splitLines(before ?? ''), splitLines(after));
  const changes = ops.flatMap((op, k) => (op.kind === ' ' ? [] : [k]));
  if (changes.length === 0) return '';
  // Changes closer than two contexts share a hunk.
  const groups: Array<[number, number]> = [];
  for (const k of changes) {
    const last = groups[groups.length - 1];
    if (last && k - last[1] - 1 <= 2 * context) last[1] = k;
    else groups.push([k, k]);
  }
  const prefix = name.startsWith('/') ? '' : '/';
  let out = `--- ${before === null ? '/dev/null' : `a${prefix}${name}`}\n+++ b${prefix}${name}\n`;
  for (const [first, last] of groups) {
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    const count = (kinds: string, s: number, e: number) => ops.slice(s, e).filter((op) => kinds.includes(op.kind)).length;
    const oldBefore = count(' -', 0, from);
    const newBefore = count(' +', 0, from);
    const oldCount = count(' -', from, to + 1);
    const newCount = count(' +', from, to + 1);
    // A range of zero lines is numbered by the line before it.
    out += `@@ -${oldCount ? oldBefore + 1 : oldBefore},${oldCount} +${newCount ? newBefore + 1 : newBefore},${newCount} @@\n`;
    out += ops.slice(from, to + 1).map(hunkLine).join('');
  }
  return out;
}
