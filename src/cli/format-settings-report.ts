/** Turns a settings check report into the readable text `deforum settings check` prints. */
import type { SettingsIssue } from '../core/errors.js';
import type { SettingsReport } from '../core/settings/check-settings.js';

const FORMAT_NAMES = {
  notebook: 'Deforum notebook settings',
  a1111: 'Automatic1111 Deforum extension settings',
  preset: 'deforum preset',
} as const;

export function formatSettingsReport(file: string, report: SettingsReport): string {
  const lines = [`${file}: ${FORMAT_NAMES[report.format]}${report.name === undefined ? '' : ` "${report.name}"`}`];
  section(lines, 'Errors', report.errors.map(issueLines));
  section(lines, 'Warnings', report.warnings.map(issueLines));
  section(lines, 'Accepted but no effect in this engine', report.noEffect.map(issueLines));
  section(lines, 'Refused by deforum render (before any model runs)', report.refused.map(issueLines));
  section(
    lines,
    'Imported with changes',
    report.notes.map((note) => [note]),
  );
  section(
    lines,
    'No equivalent here (ignored)',
    report.unmapped.map((group) => [`${group.group}: ${group.keys.join(', ')}`]),
  );
  if (report.runtimeKeys.length > 0)
    lines.push('', `Run-time values of the saved run (not settings): ${report.runtimeKeys.join(', ')}`);
  lines.push(
    '',
    report.errors.length === 0
      ? `OK: the settings are valid (${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}).`
      : `${report.errors.length} error${report.errors.length === 1 ? '' : 's'}: fix them and check again.`,
  );
  return `${lines.join('\n')}\n`;
}

function section(lines: string[], title: string, entries: string[][]): void {
  if (entries.length === 0) return;
  lines.push('', `${title} (${entries.length}):`);
  for (const entry of entries) lines.push(...entry.map((line, index) => `${index === 0 ? '  - ' : '      '}${line}`));
}

function issueLines(issue: SettingsIssue): string[] {
  const lines = [issue.message];
  if (issue.given !== undefined) lines.push(`given: ${issue.given}`);
  if (issue.allowed !== undefined && !issue.message.includes(issue.allowed)) lines.push(`allowed: ${issue.allowed}`);
  if (issue.didYouMean !== undefined) lines.push(`did you mean: ${issue.didYouMean}`);
  return lines;
}
