// One model: latest and its aliases, the history plot, and its versions newest first, a page at a time, each with
// its descriptor (metadata map, SHA-256, storage class, encryption) and live archive state. Admins get the actions.
import { ApiError, eachLimited, get, modelPath } from './api.js';
import { badge, bytes, h, table, when } from './dom.js';
import { historyPlot } from './plot.js';
import { batchHref, archiveText, modelHref, modelName } from './views.js';
import * as actions from './actions.js';

const PAGE_SIZE = 10;
const HISTORY_LIMIT = 200;
const MOVES_SHOWN = 10;

/** Where the operator is in the version pages of the model shown: the cursors of the pages before this one. */
let paging = { href: null, cursors: [null] };

async function latestOf(model) {
  try {
    return await get(modelPath(model, '/latest/metadata'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return null;
    }
    throw error;
  }
}

/** How latest moved, newest first; empty for a model without latest. */
async function movesOf(model) {
  try {
    return (await get(modelPath(model, '/latest/history'))).changes;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return [];
    }
    throw error;
  }
}

const CAUSES = { upload: 'upload', rollback: 'rollback', delete: 'the latest version was deleted' };

function movesTable(moves) {
  const shown = moves.slice(0, MOVES_SHOWN);
  return table(`How latest moved: the ${shown.length === moves.length ? shown.length : `${shown.length} newest of ${moves.length}`} `
    + 'times a version became latest, newest first', ['When', 'Version', 'Why'],
  shown.map((move) => [when(move.at), move.version, CAUSES[move.cause] ?? move.cause]), 'moves');
}

async function history(model) {
  const versions = [];
  let cursor = null;
  do {
    const page = await get(modelPath(model, '/versions', { limit: 100, cursor }));
    versions.push(...page.versions);
    cursor = page.next_cursor;
  } while (cursor && versions.length < HISTORY_LIMIT);
  return { versions, complete: !cursor };
}

function metadataList(metadata) {
  const entries = Object.entries(metadata ?? {});
  if (entries.length === 0) {
    return h('p', {}, 'No metadata was uploaded with this version.');
  }
  return h('dl', { class: 'metadata' }, entries.flatMap(([key, value]) => [
    h('dt', {}, key),
    h('dd', {}, typeof value === 'string' ? value : JSON.stringify(value)),
  ]));
}

function encryptionText(encryption) {
  if (!encryption) {
    return 'none reported';
  }
  const key = encryption.kms_key_id ? ` (key ${encryption.kms_key_id})` : '';
  return `${encryption.algorithm}${key}${encryption.bucket_key ? ', bucket key' : ''}`;
}

// The upload scan: its verdict, protocol and the globals the pickle imports (docs/model-safety.md).
function pickleText(pickle) {
  const protocol = pickle.protocol === undefined || pickle.protocol === null ? '' : `, protocol ${pickle.protocol}`;
  const globals = pickle.globals && pickle.globals.length ? `: ${pickle.globals.join(', ')}` : '';
  return `${pickle.verdict}${protocol}${globals}`;
}

function details(version) {
  return h('details', {},
    h('summary', {}, 'Details', h('span', { class: 'visually-hidden' }, ` of version ${version.version}`)),
    h('dl', { class: 'descriptor' },
      h('dt', {}, 'SHA-256'), h('dd', { class: 'hash' }, version.sha256),
      h('dt', {}, 'Object'), h('dd', { class: 'hash' }, `s3://${version.bucket}/${version.key}`),
      h('dt', {}, 'Content type'), h('dd', {}, version.content_type),
      version.idempotency_key ? [h('dt', {}, 'Idempotency key'), h('dd', {}, version.idempotency_key)] : [],
      version.pickle ? [h('dt', {}, 'Pickle scan'), h('dd', {}, pickleText(version.pickle))] : []),
    h('p', { class: 'metadata-heading' }, 'Metadata (as uploaded; the training environment, where recorded)'),
    metadataList(version.metadata));
}

function actionButtons(context, model, version, latest) {
  const box = h('div', { class: 'actions' });
  const isLatest = latest && latest.version === version.version;
  if (!isLatest) {
    box.append(h('button', { type: 'button', 'aria-label': `Roll back to ${version.version}`,
      onclick: () => actions.rollback(context, model, version.version) }, 'Roll back'));
  }
  box.append(
    h('button', { type: 'button', 'aria-label': `Set alias on ${version.version}`,
      onclick: () => actions.setAlias(context, model, version.version) }, 'Set alias'),
    h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${version.version}`,
      onclick: () => actions.deleteVersion(context, model, version.version) }, 'Delete'));
  return box;
}

export async function renderModel(view, model, context) {
  const { rights, setCrumbs } = context;
  const href = modelHref(model);
  if (paging.href !== href) {
    paging = { href, cursors: [null] };
  }
  setCrumbs([['Batches', '#/'], [model.batch, batchHref(model.batch)], [modelName(model), href]]);
  const admin = rights.isAdmin(model.batch);
  const cursor = paging.cursors[paging.cursors.length - 1];
  const [latest, { aliases }, page, past, moves] = await Promise.all([
    latestOf(model), get(modelPath(model, '/aliases')),
    get(modelPath(model, '/versions', { limit: PAGE_SIZE, cursor })), history(model), movesOf(model)]);

  view.append(h('h1', {}, `Model ${modelName(model)}`));
  view.append(h('p', { class: 'subtitle' }, `Batch ${model.batch}`));

  const aliasEntries = Object.entries(aliases);
  view.append(h('section', { 'aria-labelledby': 'latest-heading' },
    h('h2', { id: 'latest-heading' }, 'Latest and aliases'),
    h('dl', { class: 'summary' },
      h('dt', {}, 'Latest'),
      h('dd', {}, latest ? [latest.version, ' ', latest.pinned ? badge('pinned by rollback', 'pinned') : ''] : 'none'),
      h('dt', {}, 'Trained'), h('dd', {}, latest ? when(latest.created_at) : '–'),
      h('dt', {}, 'Aliases'),
      h('dd', {}, aliasEntries.length === 0 ? 'none' : h('ul', { class: 'alias-list' }, aliasEntries.map(([alias, version]) =>
        h('li', {}, badge(alias, 'alias'), ` → ${version} `,
          admin ? h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete alias ${alias}`,
            onclick: () => actions.deleteAlias(context, model, alias, version) }, 'Delete alias') : '')))))));

  view.append(h('section', { 'aria-labelledby': 'history-heading' },
    h('h2', { id: 'history-heading' }, 'History'),
    past.versions.length === 0 ? h('p', {}, 'No versions.') : historyPlot(past.versions, latest, aliases, past.complete, moves),
    moves.length > 0 ? movesTable(moves) : ''));

  const aliasesOf = new Map();
  for (const [alias, version] of aliasEntries) {
    aliasesOf.set(version, [...(aliasesOf.get(version) ?? []), alias]);
  }
  const archiveCells = page.versions.map(() => h('span', { class: 'pending' }, '…'));
  const actionBoxes = page.versions.map((version) => (admin ? actionButtons(context, model, version, latest) : null));
  const columns = ['Version', 'Trained', 'Size', 'Stored', 'Storage class', 'Encryption', 'Archive', 'Status', 'Details'];
  if (admin) {
    columns.push('Actions');
  }
  const rows = page.versions.map((version, i) => {
    const marks = [];
    if (latest && latest.version === version.version) {
      marks.push(badge(latest.pinned ? 'latest (pinned)' : 'latest', 'latest'));
    }
    for (const alias of aliasesOf.get(version.version) ?? []) {
      marks.push(badge(alias, 'alias'));
    }
    const cells = [version.version, when(version.created_at), bytes(version.size_bytes),
      `${bytes(version.stored_bytes)} · ${version.content_encoding}`, version.storage_class,
      encryptionText(version.encryption), archiveCells[i], marks.length ? marks : '–', details(version)];
    if (admin) {
      cells.push(actionBoxes[i]);
    }
    return cells;
  });
  const section = h('section', { 'aria-labelledby': 'versions-heading' }, h('h2', { id: 'versions-heading' }, 'Versions'));
  const pageNumber = paging.cursors.length;
  section.append(table(`Versions, newest first: page ${pageNumber}`, columns, rows, 'versions'));
  section.append(pager(context, page.next_cursor));
  view.append(section);

  eachLimited(page.versions, 3, async (version, i) => {
    try {
      const described = await get(modelPath(model, `/versions/${encodeURIComponent(version.version)}/metadata`));
      const archive = described.archive;
      archiveCells[i].replaceWith(archiveText(archive));
      if (actionBoxes[i] && archive?.archived && archive.restore !== 'restored') {
        actionBoxes[i].append(h('button', { type: 'button', 'aria-label': `Restore ${version.version}`,
          onclick: () => actions.restore(context, model, version.version) }, 'Restore'));
      }
    } catch {
      archiveCells[i].replaceWith('unavailable');
    }
  });
}

function pager(context, nextCursor) {
  const nav = h('nav', { class: 'pager', 'aria-label': 'Version pages' });
  if (paging.cursors.length > 1) {
    nav.append(h('button', { type: 'button', onclick: () => { paging.cursors.pop(); context.rerender(); } }, '← Newer versions'));
  }
  if (nextCursor) {
    nav.append(h('button', { type: 'button', onclick: () => { paging.cursors.push(nextCursor); context.rerender(); } }, 'Older versions →'));
  }
  return nav;
}
