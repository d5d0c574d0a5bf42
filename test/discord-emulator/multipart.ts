/**
 * Request bodies as discord.js sends them: JSON, or multipart/form-data with `payload_json` and `files[n]` parts
 * (runtime-notes.md F.5). Multipart is parsed by undici's own FormData parser through the global Request.
 */

export interface UploadedFile {
  field: string;
  /** n of `files[n]`, which the payload's `attachments[].id` refers to. */
  index: number;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface ParsedBody {
  json?: unknown;
  files: UploadedFile[];
}

export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { files: [] };
  if (contentType?.startsWith('multipart/form-data')) return parseMultipart(contentType, raw);
  return { json: JSON.parse(raw.toString('utf8')) as unknown, files: [] };
}

async function parseMultipart(contentType: string, raw: Buffer): Promise<ParsedBody> {
  const form = await new Request('http://emulator.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  const body: ParsedBody = { files: [] };
  let position = 0;
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') body.json = JSON.parse(value) as unknown;
      continue;
    }
    const indexed = /^files\[(\d+)\]$/.exec(field);
    body.files.push({
      field,
      index: indexed ? Number(indexed[1]) : position,
      filename: value.name,
      contentType: value.type || 'application/octet-stream',
      bytes: Buffer.from(await value.arrayBuffer()),
    });
    position += 1;
  }
  return body;
}
