/** The animate request's public surface: modal fields → validated settings, Tweak prefill, problem messages. */
export {
  ANIMATE_FIELD_IDS,
  type AnimateFields,
  type AnimateInput,
  type AnimateResult,
  type RequestField,
  type RequestProblem,
  type StoredAnimateRequest,
} from './animate-request.js';
export { buildAnimateSettings } from './build-animate-settings.js';
export { fieldsFromJob, storedAnimateFields } from './fields-from-job.js';
export { formatProblems } from './format-problems.js';
export {
  MODAL_FIELD_SETTINGS,
  parseOverrideLines,
  type OverrideLinesOptions,
  type OverrideLinesResult,
} from './override-lines.js';
export { importSettingsAttachment, type SettingsAttachmentResult } from './settings-attachment.js';
