// Sampling text from a character model, one step at a time (the streaming step()): feed the
// prompt, then repeatedly draw the next token from softmax(logits / temperature) and feed it back.
import { checkInt, checkKnownKeys, checkNumber, fail, RnnlabError } from "../errors.ts";
import { Rng } from "../params/rng.ts";
import { SequenceModel, type StreamState } from "./model.ts";

export interface Vocab { encode(text: string): Int32Array; decode(ids: ArrayLike<number>): string }
export interface GenerateOptions {
  length?: number; temperature?: number; seed?: number;
  /** sampling ends (without it) when this token is drawn, e.g. a names model's end token */
  stopToken?: number;
  /** fed before the prompt, e.g. a names model's start token (its sequences began with it); the
   *  prompt may then be empty */
  startToken?: number;
}

/** Index drawn from softmax(logits / temperature); temperature 0 = the most likely one. */
export function sampleLogits(logits: ArrayLike<number>, temperature: number, rng: Rng): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature === 0) return best;
  let sum = 0;
  const p = Array.from(logits, (z) => { const e = Math.exp((z - logits[best]) / temperature); sum += e; return e; });
  let u = rng.next() * sum;
  for (let i = 0; i < p.length; i++) { u -= p[i]; if (u < 0) return i; }
  return p.length - 1;
}

export function generate(model: SequenceModel, vocab: Vocab, prompt: string, opts: GenerateOptions = {}): string {
  const fn = "generate";
  if (!(model instanceof SequenceModel)) fail(fn, "model", "a SequenceModel", model);
  if (typeof vocab !== "object" || vocab === null || typeof vocab.encode !== "function" || typeof vocab.decode !== "function") fail(fn, "vocab", "a vocabulary { encode, decode }", vocab);
  if (typeof prompt !== "string") fail(fn, "prompt", "a string", prompt);
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  checkKnownKeys(fn, opts, ["length", "temperature", "seed", "stopToken", "startToken"]);
  if (opts.stopToken !== undefined) checkInt(fn, "stopToken", opts.stopToken, 0);
  if (opts.startToken !== undefined) checkInt(fn, "startToken", opts.startToken, 0);
  if (model.config.inputKind !== "tokens" || model.config.head !== "every") fail(fn, "model", "a token model with a head on every step (a language model)", `${model.config.inputKind}/${model.config.head}`);
  const length = checkInt(fn, "length", opts.length ?? 200, 0);
  const temperature = checkNumber(fn, "temperature", opts.temperature ?? 1, 0);
  const rng = new Rng(checkNumber(fn, "seed", opts.seed ?? 0));
  const ids = opts.startToken === undefined ? vocab.encode(prompt) : Int32Array.of(opts.startToken, ...vocab.encode(prompt));
  if (ids.length === 0) throw new RnnlabError(`${fn}: prompt must not be empty without a startToken (the model needs a first token)`);
  model.train(false);
  let state: StreamState | null = null, logits: ArrayLike<number> = [];
  for (const id of ids) ({ prediction: logits, state } = model.step(Int32Array.of(id), state));
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const next = sampleLogits(logits, temperature, rng);
    if (next === opts.stopToken) break;
    out.push(next);
    ({ prediction: logits, state } = model.step(Int32Array.of(next), state));
  }
  model.train(true);
  return vocab.decode(out);
}
