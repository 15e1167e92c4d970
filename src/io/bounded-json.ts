// JSON from files, parsed with a bound on nesting: `[[[[…` 100,000 deep parses in V8 but overflows
// the stack of any recursive walk over the result (our validators, error formatters, structured
// clone). So the text is scanned for its depth first (an iterative scan, strings skipped), and
// JSON.parse's SyntaxError is wrapped into an RnnlabError that names the source, with the cause.
import { RnnlabError } from "../errors.ts";

/** Deeper than any file rnnlab reads or writes (a Keras functional model's inbound_nodes: ~6). */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of a JSON text (objects and arrays), stopping early once above `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0, max = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {                                            // a string: skip it, escapes included
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (ch === 0x5b || ch === 0x7b) {                      // [ {
      if (++depth > max) { max = depth; if (max > limit) return max; }
    } else if (ch === 0x5d || ch === 0x7d) depth--;               // ] }
  }
  return max;
}

/**
 * JSON.parse with the nesting bounded; `what` names the text in errors, e.g.
 * `model.json: not valid JSON (Unexpected token …)` or `… nested deeper than 64 levels`.
 */
export function parseJsonBounded(what: string, text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) throw new RnnlabError(`${what} must be JSON nested at most ${maxDepth} levels deep, got deeper nesting`);
  try { return JSON.parse(text); }
  catch (e) {
    const start = text.slice(0, 60).replace(/[\x00-\x1f]/g, "�") + (text.length > 60 ? "…" : "");
    throw new RnnlabError(`${what} must be valid JSON, got ${(e as Error).message}; it starts: ${start}`, { cause: e });
  }
}
