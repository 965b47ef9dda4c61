// The documents measured: the corpus, and large files made by stacking corpus files (each brings its own
// stages). `variant` gives text whose instructions are all new to the caches (extra spaces after each keyword:
// the RUN cache and the token cache key on the text), for cold runs.
import * as fs from 'fs';
import * as path from 'path';

export interface Doc {
  name: string;
  text: string;
  lines: number;
}

export const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

export function loadCorpus(dir: string): Doc[] {
  return fs.readdirSync(dir).sort().map((name) => {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    return { name, text, lines: lineCount(text) };
  });
}

/** A line that starts with an instruction keyword followed by a blank (where variants add spaces). */
const INSTRUCTION_START = /^(\s*(?:FROM|RUN|CMD|LABEL|MAINTAINER|EXPOSE|ENV|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ARG|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL))(?=[ \t])/gim;

/**
 * Corpus files one after the other until `minLines` lines (files with an `# escape=` directive are left out:
 * in the middle of a file the directive is only a comment). Passes over the corpus after the first, and
 * variants, put more spaces after each instruction's keyword, so no instruction text repeats between passes or
 * variants. `salt` (tabs) goes before those spaces: documents of different sizes start with the same files, and
 * a salt of their own keeps the cold variants of one size from being cache hits for another's.
 */
export function stacked(corpus: Doc[], minLines: number, variant = 0, salt = ''): Doc {
  const files = corpus.filter((d) => !/^#\s*escape\s*=/im.test(d.text));
  const total = files.reduce((n, d) => n + d.lines, 0);
  const passes = Math.ceil(minLines / total);
  const parts: string[] = [];
  let lines = 0;
  for (let pass = 0; lines < minLines; pass++) {
    const spaces = variant * passes + pass;
    for (const d of files) {
      let text = spaces || salt ? d.text.replace(INSTRUCTION_START, `$1${salt}${' '.repeat(spaces)}`) : d.text;
      if (!text.endsWith('\n')) text += '\n';
      parts.push(text);
      lines += lineCount(text);
      if (lines >= minLines) break;
    }
  }
  const text = parts.join('');
  return { name: `stacked-${minLines}`, text, lines: lineCount(text) };
}

/** A single-line RUN near the middle of `text` (no continuation, no heredoc), for one-line edits. */
export function editableLine(text: string): { line: number; character: number } {
  const lines = text.split('\n');
  const ok = (l: string, prev: string | undefined) => /^RUN\s+\S/.test(l) && !/[\\`]\s*\r?$/.test(l) && !l.includes('<<')
    && !(prev !== undefined && /[\\`]\s*\r?$/.test(prev));
  const middle = lines.length >> 1;
  for (let d = 0; d < lines.length; d++) {
    for (const i of [middle + d, middle - d]) {
      if (i >= 0 && i < lines.length && ok(lines[i], lines[i - 1])) return { line: i, character: lines[i].replace(/\r$/, '').length };
    }
  }
  throw new Error('no single-line RUN to edit');
}
