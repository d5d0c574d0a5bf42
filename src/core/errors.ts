/**
 * The engine's one error class. Every failure a user can cause carries a code from a closed union and the
 * details a caller needs to act on it; the message says what is wrong and how to fix it (style.md B3).
 */

/** One problem found in a settings file; several are reported together. */
export interface SettingsIssue {
  /** The Deforum setting name (`strength_schedule`), or `(file)` for problems with the whole file. */
  setting: string;
  message: string;
  /** What the file gave, shortened for display. */
  given?: string;
  /** What is allowed, in words (`one of 2D, 3D, …`, `an integer ≥ 1`). */
  allowed?: string;
  /** A close known name, for misspelled keys. */
  didYouMean?: string;
}

export type ErrorDetails =
  | { code: 'settings_invalid'; issues: SettingsIssue[] }
  | { code: 'settings_unreadable'; source: string; reason: string }
  | { code: 'schedule_syntax'; setting: string; expression: string; column: number; expected: string }
  | { code: 'schedule_evaluation'; setting: string; expression: string; frame: number; reason: string }
  | { code: 'preset_unknown'; name: string; known: string[] }
  | { code: 'image_unreadable'; source: string; reason: string }
  | { code: 'video_encode_failed'; output: string; reason: string }
  | { code: 'video_unreadable'; source: string; reason: string }
  | { code: 'audio_unusable'; source: string; reason: string }
  | { code: 'video_too_large'; output: string; maxBytes: number; smallestBytes: number }
  | { code: 'usage'; argument: string; reason: string }
  | { code: 'interrupted'; framesDone: number }
  | { code: 'resume_settings_changed'; changes: { setting: string; run: string; now: string }[] }
  | { code: 'checkpoint_unreadable'; file: string; reason: string }
  | { code: 'resume_not_found'; folder: string; reason: string }
  | { code: 'model_io_mismatch'; model: string; input: string; expected: string; got: string }
  | { code: 'model_folder_invalid'; folder: string; missing: string[]; reason: string }
  | { code: 'model_load_failed'; model: string; reason: string }
  | { code: 'warp_parameters_invalid'; parameter: string; given: string; allowed: string }
  | { code: 'depth_model_missing'; model: 'AdaBins'; midasWeight: number }
  | { code: 'model_unknown'; name: string; known: string[] }
  | { code: 'setting_unsupported'; setting: string; given: string; reason: string }
  | { code: 'runtime_unavailable'; component: string; reason: string }
  | { code: 'flow_method_unavailable'; method: string; available: string[] }
  | { code: 'frame_request_invalid'; field: string; expected: string; got: string }
  | { code: 'quota_exceeded'; limit: number; used: number; reserved: number; requested: number; resetsAt: Date }
  | { code: 'cap_exceeded'; setting: 'W' | 'H' | 'steps' | 'max_frames'; limit: number; given: number }
  | { code: 'too_many_jobs'; limit: number }
  | { code: 'lease_lost'; jobId: string; attempt: number }
  | { code: 'job_not_found'; jobId: string }
  | { code: 'job_not_owner'; jobId: string; userId: string }
  | { code: 'job_state_conflict'; jobId: string; state: string; action: 'cancel' | 'resume' }
  | { code: 'preset_name_taken'; name: string }
  | { code: 'preset_not_found'; name: string }
  | { code: 'preset_name_invalid'; name: string }
  | {
      code: 'attachment_rejected';
      /** What the file was attached as (`init`, `mask`, `video`, `settings`). */
      kind: string;
      name: string;
      reason: 'too_large' | 'wrong_type' | 'content_mismatch' | 'untrusted_url';
      limitBytes?: number;
    }
  | { code: 'permission_required'; permission: 'ManageGuild' }
  | { code: 'user_banned'; serverId: string; userId: string }
  | {
      code: 'download_failed';
      url: string;
      reason: 'http_status' | 'interrupted' | 'size_mismatch' | 'checksum_mismatch';
      status: number | null;
    };

export type ErrorCode = ErrorDetails['code'];

export class DeforumError extends Error {
  constructor(
    readonly details: ErrorDetails,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeforumError';
  }
}

export function isDeforumError(value: unknown): value is DeforumError {
  return value instanceof DeforumError;
}
