// Character vocabularies: id ↔ character, by Unicode code point (so "é" or "—" is one token).
// Layout: [leading special tokens] [distinct characters, sorted by code point] [trailing specials].
// A special token decodes to its `text` ("" prints nothing) and, when `text` is a single
// character, encoding that character gives the special id (e.g. "\n" = end of name).
// Characters seen fewer than `minCount` times are left out; if any were, or if `unknown` is
// asked for, a trailing "unknown" token (decoded as U+FFFD "�") takes every character outside
// the vocabulary. Without it, encoding such a character throws.
import { fail } from "../../errors.ts";

export interface SpecialToken { name: string; text: string }

export interface CharVocabOptions {
  /** keep only characters seen at least this often (default 1: every character) */
  minCount?: number;
  leading?: readonly SpecialToken[];
  trailing?: readonly SpecialToken[];
}

export const UNKNOWN_TEXT = "\uFFFD";

export class CharVocab {
  /** id → what decode prints */
  readonly tokens: readonly string[];
  /** the characters kept, sorted by code point (ids leading.length … leading.length + n − 1) */
  readonly chars: readonly string[];
  /** id of the "unknown" token, or −1 when every character of the text is in the vocabulary */
  readonly unknownId: number;
  /** characters of the text left out (fewer than minCount occurrences), with their counts */
  readonly dropped: ReadonlyMap<string, number>;
  private readonly ids = new Map<string, number>();
  private readonly special = new Map<string, number>();

  constructor(readonly owner: string, text: string, opts: CharVocabOptions = {}) {
    const { minCount = 1, leading = [], trailing = [] } = opts;
    const counts = new Map<string, number>();
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const kept = [...counts.keys()].filter((ch) => counts.get(ch)! >= minCount)
      .sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    this.dropped = new Map([...counts].filter(([, n]) => n < minCount));
    const specials = [...leading, ...trailing];
    const unknown = this.dropped.size > 0 ? [{ name: "unknown", text: UNKNOWN_TEXT }] : [];
    this.tokens = [...leading.map((s) => s.text), ...kept, ...trailing.map((s) => s.text), ...unknown.map((s) => s.text)];
    this.chars = kept;
    kept.forEach((ch, i) => this.ids.set(ch, leading.length + i));
    specials.forEach((s, i) => {
      const id = i < leading.length ? i : kept.length + i;
      this.special.set(s.name, id);
      if ([...s.text].length === 1 && !this.ids.has(s.text)) this.ids.set(s.text, id);
    });
    this.unknownId = unknown.length > 0 ? this.tokens.length - 1 : -1;
    if (this.unknownId >= 0) this.special.set("unknown", this.unknownId);
  }

  get size(): number { return this.tokens.length; }

  /** The id of a special token by name ("start", "end", "unknown", …). */
  idOf(name: string): number {
    const id = this.special.get(name);
    if (id === undefined) fail(`${this.owner}.vocab.idOf`, "name", `one of ${[...this.special.keys()].join(", ")}`, name);
    return id;
  }

  encode(text: string): Int32Array {
    if (typeof text !== "string") fail(`${this.owner}.vocab.encode`, "text", "a string", text);
    const out = new Int32Array(text.length);          // ≥ the number of code points
    let n = 0, i = 0;
    for (const ch of text) {
      const id = this.ids.get(ch) ?? this.unknownId;
      if (id < 0) fail(`${this.owner}.vocab.encode`, `text[${i}]`, "a character of the vocabulary", ch);
      out[n++] = id;
      i += ch.length;                                  // position in UTF-16 units, as text[i]
    }
    return n === out.length ? out : out.slice(0, n);
  }

  decode(ids: ArrayLike<number>): string {
    let s = "";
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length) {
        fail(`${this.owner}.vocab.decode`, `ids[${i}]`, `an integer in [0, ${this.tokens.length})`, id);
      }
      s += this.tokens[id];
    }
    return s;
  }
}
