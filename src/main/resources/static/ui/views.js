// The batch list and a batch's models. The JSON API lists names and latest descriptors; what a row adds (model
// counts, aliases, archive state) comes from a few more reads, at most four at a time, filled in as they answer.
import { ApiError, eachLimited, get, modelPath } from './api.js';
import { badge, bytes, h, table, when } from './dom.js';

export function modelHref(model) {
  const parts = ['model', model.batch, model.metric, ...(model.tag ? [model.tag] : [])];
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function batchHref(batch) {
  return `#/batch/${encodeURIComponent(batch)}`;
}

export function modelName(model) {
  return model.tag ? `${model.metric} (tag ${model.tag})` : model.metric;
}

/** A cell that says "…" until its value arrives. */
function pending() {
  return h('span', { class: 'pending' }, '…');
}

export async function renderBatches(view, { rights, setCrumbs }) {
  setCrumbs([['Batches', '#/']]);
  const { batches } = await get('/models');
  view.append(h('h1', {}, 'Batches'));
  if (batches.length === 0) {
    view.append(h('p', {}, 'No models are stored yet. Trainers upload with POST /api/v1/models/{batch}/{metric}.'));
    return;
  }
  const cells = batches.map(() => ({ count: pending(), trained: pending() }));
  view.append(table(`${batches.length} batch${batches.length === 1 ? '' : 'es'}`,
    ['Batch', 'Models', 'Last trained'],
    batches.map((batch, i) => [h('a', { href: batchHref(batch) }, batch), cells[i].count, cells[i].trained]),
    'batches'));
  eachLimited(batches, 4, async (batch, i) => {
    if (!rights.mayRead(batch)) {
      cells[i].count.replaceWith('not covered by your key');
      cells[i].trained.replaceWith('–');
      return;
    }
    try {
      const { models } = await get(`/models/${encodeURIComponent(batch)}`);
      const newest = models.map((m) => m.latest?.created_at).filter(Boolean).sort().pop();
      cells[i].count.replaceWith(String(models.length));
      cells[i].trained.replaceWith(when(newest));
    } catch (error) {
      cells[i].count.replaceWith(error instanceof ApiError ? `unavailable (${error.status})` : 'unavailable');
      cells[i].trained.replaceWith('–');
    }
  });
}

export async function renderBatch(view, batch, { setCrumbs }) {
  setCrumbs([['Batches', '#/'], [batch, batchHref(batch)]]);
  const { models } = await get(`/models/${encodeURIComponent(batch)}`);
  view.append(h('h1', {}, `Batch ${batch}`));
  if (models.length === 0) {
    view.append(h('p', {}, 'This batch has no models.'));
    return;
  }
  const later = models.map(() => ({ aliases: pending(), archive: pending() }));
  const rows = models.map((summary, i) => {
    const model = { batch, metric: summary.metric, tag: summary.tag };
    const latest = summary.latest;
    return [
      h('a', { href: modelHref(model) }, summary.metric),
      summary.tag ?? '–',
      latest ? latest.version : '–',
      latest ? bytes(latest.size_bytes) : '–',
      latest ? `${bytes(latest.stored_bytes)} · ${latest.content_encoding}` : '–',
      latest ? when(latest.created_at) : '–',
      later[i].aliases,
      latest?.pinned ? badge('pinned by rollback', 'pinned') : 'no',
      later[i].archive,
    ];
  });
  view.append(table(`${models.length} model${models.length === 1 ? '' : 's'} of batch ${batch}`,
    ['Metric', 'Tag', 'Latest version', 'Size', 'Stored', 'Trained', 'Aliases', 'Pinned', 'Archive'], rows, 'models'));
  eachLimited(models, 4, async (summary, i) => {
    const model = { batch, metric: summary.metric, tag: summary.tag };
    const [aliases, described] = await Promise.allSettled([
      get(modelPath(model, '/aliases')),
      summary.latest ? get(modelPath(model, `/versions/${encodeURIComponent(summary.latest.version)}/metadata`))
        : Promise.resolve(null),
    ]);
    later[i].aliases.replaceWith(aliases.status === 'fulfilled' ? aliasList(aliases.value.aliases) : 'unavailable');
    later[i].archive.replaceWith(described.status === 'fulfilled' ? archiveText(described.value?.archive) : 'unavailable');
  });
}

export function aliasList(aliases) {
  const entries = Object.entries(aliases ?? {});
  if (entries.length === 0) {
    return 'none';
  }
  return h('span', {}, entries.map(([alias, version]) => badge(`${alias} → ${version}`, 'alias')));
}

/** The live archive state of a version's object, as the version's metadata reports it. */
export function archiveText(archive) {
  if (!archive) {
    return 'not known';
  }
  if (!archive.archived) {
    return archive.storage_class ? `online (${archive.storage_class})` : 'online';
  }
  const where = archive.access_tier ? `${archive.storage_class}, ${archive.access_tier}` : archive.storage_class;
  if (archive.restore === 'restored') {
    return h('span', {}, badge('restored', 'restored'), ` ${where}`,
      archive.restored_until ? ` until ${archive.restored_until.slice(0, 10)}` : '');
  }
  return h('span', {}, badge(archive.restore === 'in_progress' ? 'restoring' : 'archived', 'archived'), ` ${where}`);
}
