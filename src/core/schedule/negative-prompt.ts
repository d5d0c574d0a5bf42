/**
 * Splits an Automatic1111-extension prompt `text --neg negative` into its positive and negative parts, for
 * importing extension settings files (v0.7.1 itself has no `--neg`: spec §3.1, §3.6).
 *
 * Matches the extension's `prepare_prompt`: `first, *rest = text.strip().split("--neg")`, the prompt is `first`
 * trimmed and the negative is the rest joined with no separator, trimmed. So the marker is found anywhere, even
 * inside a word (`--negative` leaves `ative`), and a second `--neg` does not start a third part.
 */

export interface SplitPrompt {
  prompt: string;
  negative: string;
}

const NEGATIVE_MARKER = '--neg';

export function splitNegativePrompt(text: string): SplitPrompt {
  const [first = '', ...rest] = text.trim().split(NEGATIVE_MARKER);
  return { prompt: first.trim(), negative: rest.join('').trim() };
}
