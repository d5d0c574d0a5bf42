/** How a value from a settings file is shown in a message: JSON, shortened to stay on one line. */
const MAX_LENGTH = 80;

export function displayValue(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
