// dockerfile-ast's Property.getValue (the value of an ENV/ARG/LABEL key or value: quotes, escapes and escaped line
// breaks resolved) is quadratic on some input: after an escaped line break, every `#` starts a search for the next
// line break, to the end of the text when there is none (fuzz seed 1128009 case 252: an ARG name of 166,000 `#`
// across a continuation, 44 s); and every cut of the blanks before a comment copies the whole result so far. The
// same algorithm, step for step, with the search's result kept while it is still ahead and the result kept as an
// array of characters (every append is one character, so a cut is a shorter length). test/perf-invariants.test.ts
// checks it against the original.
import { Property } from 'dockerfile-ast';
import { Util } from 'dockerfile-ast/lib/util';

export function propertyValue(input: string, escapeChar: string): string {
  let value = input;
  let escaped = false;
  const skip = Util.findLeadingNonWhitespace(value, escapeChar);
  if (skip !== 0 && value.charAt(skip) === '#') {
    // need to skip over comments
    escaped = true;
  }
  value = value.substring(skip);
  const first = value.charAt(0);
  const last = value.charAt(value.length - 1);
  const literal = first === '\'' || first === '"';
  const inSingle = first === '\'' && last === '\'';
  let inDouble = false;
  if (first === '"') {
    for (let i = 1; i < value.length; i++) {
      if (value.charAt(i) === escapeChar) {
        i++;
      } else if (value.charAt(i) === '"' && i === value.length - 1) {
        inDouble = true;
      }
    }
  }
  if (inSingle || inDouble) {
    value = value.substring(1, value.length - 1);
  }
  let commentCheck = -1;
  /** The first line break after some earlier position: -1 when there is none, 0 before the first search. */
  let nextBreak = 0;
  const out: string[] = [];
  /** escapedValue.substring(0, escapedValue.length - count) */
  const cut = (count: number) => {
    out.length = Math.min(out.length, Math.max(0, out.length - count));
  };
  parseValue: for (let i = 0; i < value.length; i++) {
    let char = value.charAt(i);
    switch (char) {
      case escapeChar:
        if (i + 1 === value.length) {
          out.push(escapeChar);
          break parseValue;
        }
        char = value.charAt(i + 1);
        if (char === ' ' || char === '\t') {
          whitespaceCheck: for (let j = i + 2; j < value.length; j++) {
            const char2 = value.charAt(j);
            switch (char2) {
              case ' ':
              case '\t':
                break;
              case '\r':
                j++;
              // falls through
              case '\n':
                escaped = true;
                i = j;
                continue parseValue;
              default:
                if (!inDouble && !inSingle && !literal) {
                  if (char2 === escapeChar) {
                    // add the escaped character
                    out.push(char);
                    // now start parsing from the next escape character
                    i = i + 1;
                  } else {
                    // the expectation is that this j = i + 2 here
                    out.push(char, char2);
                    i = j;
                  }
                  continue parseValue;
                }
                break whitespaceCheck;
            }
          }
        }
        const lineBreak = escapedBreakLength(char);
        if (inDouble) {
          if (lineBreak) {
            escaped = true;
            i += lineBreak;
          } else if (char !== '"') {
            if (char === escapeChar) {
              i++;
            }
            out.push(escapeChar);
          }
          continue parseValue;
        } else if (inSingle || literal) {
          if (lineBreak) {
            escaped = true;
            i += lineBreak;
          } else {
            out.push(escapeChar);
          }
          continue parseValue;
        } else if (char === escapeChar) {
          // double escape, append one and move on
          out.push(escapeChar);
          i++;
        } else if (lineBreak) {
          escaped = true;
          i += lineBreak;
        } else {
          // any other escapes are simply ignored
          out.push(char);
          i++;
        }
        break;
      case ' ':
      case '\t':
        if (escaped && commentCheck === -1) {
          commentCheck = i;
        }
        out.push(char);
        break;
      case '\r':
        i++;
      // falls through
      case '\n':
        if (escaped && commentCheck !== -1) {
          // rollback and remove the whitespace that was previously appended
          cut(i - commentCheck - 1);
          commentCheck = -1;
        }
        break;
      case '#':
        // a newline was escaped and now there's a comment
        if (escaped) {
          if (commentCheck !== -1) {
            // rollback and remove the whitespace that was previously appended
            cut(i - commentCheck);
            commentCheck = -1;
          }
          // The original scans for the next line break from here at every such `#`, also when there is none
          // (quadratic on a long run of `#`): the position found is kept while it is still ahead.
          if (nextBreak !== -1 && nextBreak <= i) nextBreak = lineBreakAfter(value, i);
          if (nextBreak !== -1) i = value.charAt(nextBreak) === '\r' ? nextBreak + 1 : nextBreak;
          continue parseValue;
        }
      // falls through
      default:
        if (escaped) {
          escaped = false;
          commentCheck = -1;
        }
        out.push(char);
        break;
    }
  }
  return out.join('');
}

/**
 * How far an escape followed by `char` moves past the escape: 2 for a CR (CRLF is one line break, as the original
 * counts it), 1 for an LF, 0 when `char` is no line break.
 */
function escapedBreakLength(char: string): number {
  return char === '\r' ? 2 : char === '\n' ? 1 : 0;
}

/** Index of the first CR or LF after `from`, or -1. */
function lineBreakAfter(value: string, from: number): number {
  for (let j = from + 1; j < value.length; j++) {
    const c = value.charCodeAt(j);
    if (c === 13 || c === 10) return j;
  }
  return -1;
}

const PATCHED = Symbol.for('dockerfile-seguro.property-value');

/** dockerfile-ast's own Property.getValue, as it was before linearPropertyValues() replaced it. */
export let originalPropertyValue: (value: string, escapeChar: string) => string = propertyValue;

/** Makes dockerfile-ast read property values with propertyValue (same results, linear time). */
export function linearPropertyValues(): void {
  const holder = Property as unknown as Record<PropertyKey, unknown>;
  const original = holder.getValue;
  if (typeof original !== 'function' || holder[PATCHED]) return;
  holder[PATCHED] = true;
  originalPropertyValue = original as (value: string, escapeChar: string) => string;
  holder.getValue = propertyValue;
}
