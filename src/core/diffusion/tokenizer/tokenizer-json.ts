/**
 * Builds a Hugging Face tokenizer.json for CLIP from the vocab.json + merges.txt pair that diffusers saves in an
 * export's tokenizer/ folder, mirroring transformers' `CLIPConverter` (runtime-notes B): NFC, whitespace runs to one
 * space, lowercase; the CLIP split regex; byte-level; BPE with `</w>`; BOS/EOS added by RobertaProcessing.
 */

const CLIP_SPLIT =
  "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

export function clipTokenizerJson(vocab: Record<string, number>, mergesText: string): object {
  const merges = mergesText
    .split('\n')
    .filter((line, index) => line.length > 0 && !(index === 0 && line.startsWith('#version')));
  const special = (content: string, normalized: boolean) => {
    const id = vocab[content];
    if (id === undefined) throw new RangeError(`tokenizer: vocab.json has no '${content}'`);
    return { id, content, single_word: false, lstrip: false, rstrip: false, normalized, special: true };
  };
  const bos = special('<|startoftext|>', true);
  const eos = special('<|endoftext|>', false);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [bos, eos],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_SPLIT }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [eos.content, eos.id],
      cls: [bos.content, bos.id],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: eos.content,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}
