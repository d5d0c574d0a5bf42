/**
 * `/deforum admin quota`: this server's caps (W, H, steps, max_frames), render units per day and jobs at once
 * per user. Options not given keep their values; with none, it shows the current limits.
 */
import type { QuotaLimits } from '../../../jobs/store-config.js';
import { defineSubcommand } from '../define.js';
import { serverOf } from '../guild-only.js';

const DAY_SECONDS = 86_400;

/** Option name → the limit it sets, and how the reply names it. */
const OPTIONS = [
  ['width', 'maxWidth', 'Largest W (pixels)'],
  ['height', 'maxHeight', 'Largest H (pixels)'],
  ['steps', 'maxSteps', 'Most steps'],
  ['max_frames', 'maxFrames', 'Most frames'],
  ['units_per_day', 'unitsPerPeriod', 'Render units per user per day'],
  ['jobs_at_once', 'maxActiveJobs', 'Jobs per user at once'],
] as const satisfies readonly (readonly [string, keyof QuotaLimits, string])[];

export const adminQuota = defineSubcommand({
  name: 'quota',
  group: 'admin',
  describe: (b) => {
    b.setDescription("Show or set this server's render limits");
    for (const [name, , label] of OPTIONS) {
      b.addIntegerOption((o) =>
        o
          .setName(name)
          .setDescription(label)
          .setMinValue(name === 'jobs_at_once' ? 0 : 1),
      );
    }
    return b;
  },
  requires: 'manage-guild',
  response: 'defer-ephemeral',
  async execute(interaction, deps) {
    const serverId = serverOf(interaction);
    const changes: Partial<QuotaLimits> = {};
    for (const [name, limit] of OPTIONS) {
      const value = interaction.options.getInteger(name);
      if (value !== null) changes[limit] = value;
    }
    if (changes.unitsPerPeriod !== undefined) changes.periodSeconds = DAY_SECONDS;
    const changed = Object.keys(changes).length > 0;
    const limits = changed ? await deps.servers.setLimits(serverId, changes) : await deps.servers.getLimits(serverId);
    const lines = OPTIONS.map(([name, limit, label]) => `${label} (\`${name}\`): **${limits[limit]}**`);
    if (limits.periodSeconds !== DAY_SECONDS) lines.push(`Quota period: ${limits.periodSeconds} s`);
    await interaction.editReply(
      `${changed ? 'Updated this server’s limits' : 'This server’s limits'}:\n${lines.join('\n')}`,
    );
  },
});
