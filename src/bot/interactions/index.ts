/** The handler of every custom id kind (custom-id.ts), for dispatch. */
import { animateModalSubmit } from './animate-modal.js';
import type { ComponentHandlers } from './define.js';
import { cancelButton, newSeedButton, reopenButton, rerenderButton, resumeButton, tweakButton } from './job-buttons.js';

export const COMPONENT_HANDLERS: ComponentHandlers = {
  animate: animateModalSubmit,
  reopen: reopenButton,
  cancel: cancelButton,
  rerender: rerenderButton,
  newseed: newSeedButton,
  tweak: tweakButton,
  resume: resumeButton,
};
