/**
 * /deforum, assembled from its leaves (style.md B5). Discord allows one level of groups: `preset` holds the
 * user's saved settings, `admin` the server's caps, bans and blocklist (Manage Server, checked per leaf by
 * dispatch because Discord's default_member_permissions can only gate the whole command).
 */
import { SlashCommandBuilder } from 'discord.js';
import type { Subcommand, SubcommandGroup } from '../define.js';
import { adminBan } from './admin-ban.js';
import { adminBlocklist } from './admin-blocklist.js';
import { adminCancel } from './admin-cancel.js';
import { adminQuota } from './admin-quota.js';
import { adminUnban } from './admin-unban.js';
import { animate } from './animate.js';
import { cancel } from './cancel.js';
import { deleteMyData } from './delete-my-data.js';
import { presetDelete } from './preset-delete.js';
import { presetList } from './preset-list.js';
import { presetSave } from './preset-save.js';
import { presetShow } from './preset-show.js';
import { queue } from './queue.js';
import { quota } from './quota.js';
import { resume } from './resume.js';

const GROUP_DESCRIPTIONS: Record<SubcommandGroup, string> = {
  preset: 'Your saved settings presets',
  admin: "This server's limits, bans and prompt blocklist (Manage Server)",
};

export const DEFORUM_SUBCOMMANDS: readonly Subcommand[] = [
  animate,
  resume,
  queue,
  cancel,
  quota,
  deleteMyData,
  presetSave,
  presetList,
  presetShow,
  presetDelete,
  adminQuota,
  adminBan,
  adminUnban,
  adminBlocklist,
  adminCancel,
];

export function buildDeforumCommand(): SlashCommandBuilder {
  const command = new SlashCommandBuilder()
    .setName('deforum')
    .setDescription('Deforum Stable Diffusion animations, rendered by a GPU fleet');
  for (const leaf of DEFORUM_SUBCOMMANDS.filter((s) => s.group === undefined)) {
    command.addSubcommand((b) => leaf.describe(b.setName(leaf.name)));
  }
  for (const [group, description] of Object.entries(GROUP_DESCRIPTIONS)) {
    command.addSubcommandGroup((g) => {
      g.setName(group).setDescription(description);
      for (const leaf of DEFORUM_SUBCOMMANDS.filter((s) => s.group === group)) {
        g.addSubcommand((b) => leaf.describe(b.setName(leaf.name)));
      }
      return g;
    });
  }
  return command;
}
