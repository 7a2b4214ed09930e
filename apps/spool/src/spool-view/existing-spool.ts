import { stat } from 'node:fs/promises';
import { layoutOf, type SpoolLayout, type SpoolSettings } from '@mig-data/spool';

/** The layout of the configured spool, which must exist: a typo in --spool is an error, not an empty spool. */
export async function existingSpool(settings: SpoolSettings): Promise<SpoolLayout> {
  const layout = layoutOf(settings);
  const found = await stat(layout.action.new).then((info) => info.isDirectory(), () => false);
  if (!found) throw new Error(`no spool at ${layout.root} (no ${layout.action.new}): create it with mig-spool init, or point --spool, $MIG_SPOOL_DIR or scheduler.cfg [directories] spool at it`);
  return layout;
}
