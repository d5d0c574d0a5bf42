/**
 * The animate modal → settings a worker will render, or every problem at once. Layers, later wins: the preset or
 * settings file (`base`), the Overrides lines, the Max frames and Seed fields, the Prompts and Negative fields,
 * then what the attachments switch on. The merged object is validated by parseSettings (schema, schedules), whose
 * issues are pointed back at the field that set each setting; the server's caps and blocklist and the engine's
 * own render checks run too. A bad line does not hide the others: the good lines still go through every check.
 */
import type { SettingsIssue } from '../../core/errors.js';
import { DEFAULT_SETTINGS } from '../../core/settings/defaults.js';
import { parseSettings } from '../../core/settings/parse-settings.js';
import type { AnimateInput, AnimateResult, RequestField, RequestProblem } from './animate-request.js';
import { applyAttachments } from './attachment-settings.js';
import { blockedTermProblems } from './blocked-terms.js';
import { engineProblems } from './engine-checks.js';
import { MODAL_FIELD_SETTINGS, readOverrideLines } from './override-lines.js';
import { parsePromptLines, withNegative, type PromptTables } from './prompt-lines.js';
import { capProblems } from './request-caps.js';
import { parseMaxFrames, parseSeed } from './whole-number-fields.js';

export function buildAnimateSettings(input: AnimateInput): AnimateResult {
  const { base, fields } = input;
  const overrides = readOverrideLines(fields.overrides, { setElsewhere: MODAL_FIELD_SETTINGS });
  const problems: RequestProblem[] = [...overrides.problems];
  const warnings: string[] = [];
  const typed: Record<string, unknown> = {};
  const maxFrames = parseMaxFrames(fields.max_frames);
  if (!maxFrames.ok) problems.push(maxFrames.problem);
  else if (maxFrames.value !== undefined) typed['max_frames'] = maxFrames.value;
  const seed = parseSeed(fields.seed);
  if (!seed.ok) problems.push(seed.problem);
  else if (seed.value !== undefined) typed['seed'] = seed.value;
  let typedPrompts: PromptTables | null = null;
  if (fields.prompts.trim() !== '') {
    const frames = typed['max_frames'] ?? base['max_frames'];
    const lines = parsePromptLines(
      fields.prompts,
      fields.negative,
      typeof frames === 'number' ? frames : DEFAULT_SETTINGS.max_frames,
    );
    problems.push(...lines.problems);
    warnings.push(...lines.warnings);
    if (Object.keys(lines.tables.prompts).length > 0) typedPrompts = lines.tables;
  }
  const attached = applyAttachments(
    { ...base, ...overrides.values, ...typed, ...typedPrompts },
    input.attachments,
    overrides.values,
    input.baseField === 'settings' ? 'The settings file' : 'The preset',
  );
  problems.push(...attached.problems, ...capProblems({ ...DEFAULT_SETTINGS, ...attached.settings }, input.limits));
  warnings.push(...attached.warnings);

  const fieldOf = (setting: string): RequestField => {
    if (setting === 'prompts' || setting === 'neg_prompts') return 'prompts';
    if (Object.hasOwn(typed, setting) && (setting === 'max_frames' || setting === 'seed')) return setting;
    return Object.hasOwn(overrides.values, setting) ? 'overrides' : (input.baseField ?? 'preset');
  };
  const parsed = parseSettings(attached.settings);
  warnings.push(...parsed.warnings.map((warning) => warning.message));
  if (!parsed.ok) {
    problems.push(...parsed.errors.map((issue) => issueProblem(issue, fieldOf(issue.setting))));
    if (typedPrompts !== null) problems.push(...blockedTermProblems(typedPrompts, input.blockedTerms));
    return { ok: false, problems };
  }
  const settings =
    typedPrompts === null && fields.negative.trim() !== ''
      ? { ...parsed.settings, neg_prompts: withNegative(parsed.settings.neg_prompts, fields.negative) }
      : parsed.settings;
  problems.push(
    ...blockedTermProblems(settings, input.blockedTerms),
    ...engineProblems(settings, input.attachments).map((problem) => ({
      field: 'field' in problem ? problem.field : fieldOf(problem.setting),
      message: problem.message,
    })),
  );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings, overrides: overrides.values, warnings };
}

/** A settings issue as a problem with the field to fix: overrides name their line, the rest their source. */
function issueProblem(issue: SettingsIssue, field: RequestField): RequestProblem {
  const given = issue.given === undefined ? '' : ` (given ${issue.given})`;
  const suggestion = issue.didYouMean === undefined ? '' : ` Did you mean \`${issue.didYouMean}\`?`;
  const fix: Partial<Record<RequestField, string>> = {
    overrides: ` Fix the \`${issue.setting}\` line in Overrides.`,
    preset: ` The preset sets it; override it with a \`${issue.setting} = …\` line in Overrides.`,
    settings: ` The settings file sets it; fix the file or override it with a \`${issue.setting} = …\` line in Overrides.`,
  };
  return { field, message: `${issue.message.replace(/\.$/, '')}${given}.${suggestion}${fix[field] ?? ''}` };
}
