// The history plot of one model: a bar per version, oldest on the left, as tall as the model (uploaded size, and the
// stored size inside it), labelled with when it was trained; the version that is latest now stands out, a rollback
// shows as an arrow from the newest version back to the pinned one, aliases are named above their bars. Plain SVG
// built element by element: no library, nothing inline for the Content-Security-Policy to refuse.
import { bytes, h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 280;
const LEFT = 70;
const RIGHT = 16;
const TOP = 44;
const BOTTOM = 210;

function s(tag, attributes = {}, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}

/** A training time as short as the plot's span allows: seconds within an hour, minutes within two days, else days. */
function timeLabel(span) {
  if (span < 3_600_000) {
    return (instant) => new Date(instant).toISOString().slice(11, 19);
  }
  if (span < 172_800_000) {
    return (instant) => new Date(instant).toISOString().slice(5, 16).replace('T', ' ');
  }
  return (instant) => new Date(instant).toISOString().slice(0, 10);
}

/**
 * The plot as a <figure>: the SVG (role img, with a text summary), a legend and a caption.
 *
 * @param versions newest first, as the API lists them
 * @param latest   latest's descriptor (pinned says whether a rollback put it there), or null
 * @param aliases  alias → version
 * @param complete whether `versions` are all of the model's versions
 */
export function historyPlot(versions, latest, aliases, complete) {
  const ordered = [...versions].reverse();
  const count = ordered.length;
  const newest = ordered[count - 1];
  const pinned = latest?.pinned === true;
  const aliasesOf = new Map();
  for (const [alias, version] of Object.entries(aliases ?? {})) {
    aliasesOf.set(version, [...(aliasesOf.get(version) ?? []), alias]);
  }
  // As wide as the window allows, so that the text keeps its size on a phone instead of shrinking with the drawing.
  const width = Math.round(Math.max(320, Math.min(720, window.innerWidth - 32)));
  const shortTime = timeLabel(Date.parse(newest.created_at) - Date.parse(ordered[0].created_at));
  const largest = Math.max(1, ...ordered.map((v) => v.size_bytes));
  const slot = (width - LEFT - RIGHT) / Math.max(count, 1);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const x = (i) => LEFT + slot * i + slot / 2;
  const y = (value) => BOTTOM - (value / largest) * (BOTTOM - TOP);

  const svg = s('svg', {
    viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', class: 'history-plot', preserveAspectRatio: 'xMidYMid meet',
  });
  const summary = `Size of ${count} versions from ${ordered[0].version} to ${newest.version}; `
    + `latest is ${latest ? latest.version : 'none'}${pinned ? ', pinned there by a rollback' : ''}.`;
  svg.append(s('title', {}, 'Version history'), s('desc', {}, summary));
  svg.setAttribute('aria-label', summary);

  for (const fraction of [0, 0.5, 1]) {
    const value = largest * fraction;
    svg.append(
      s('line', { x1: LEFT, x2: width - RIGHT, y1: y(value), y2: y(value), class: 'grid' }),
      s('text', { x: LEFT - 6, y: y(value) + 4, class: 'axis-label', 'text-anchor': 'end' }, bytes(Math.round(value))));
  }
  svg.append(s('text', { x: LEFT, y: HEIGHT - 6, class: 'axis-label' },
    'trained (UTC), oldest to newest →'));

  const latestIndex = latest ? ordered.findIndex((v) => v.version === latest.version) : -1;
  const labelEvery = Math.ceil(count / Math.floor((width - LEFT - RIGHT) / 80));
  ordered.forEach((version, i) => {
    const isLatest = latest && version.version === latest.version;
    const rolledPast = pinned && latestIndex >= 0 && i > latestIndex;
    const group = s('g', { class: `version${isLatest ? ' is-latest' : ''}${rolledPast ? ' rolled-past' : ''}` });
    const next = ordered[i + 1];
    const tenure = next ? `latest from its upload until ${next.created_at}` : (pinned ? 'newest upload; a rollback moved latest off it' : 'latest since its upload');
    group.append(s('title', {}, `${version.version}: ${bytes(version.size_bytes)} (${bytes(version.stored_bytes)} stored, `
      + `${version.content_encoding}), trained ${version.created_at}; ${isLatest ? 'latest now' : tenure}`));
    group.append(
      s('rect', { x: x(i) - barWidth / 2, y: y(version.size_bytes), width: barWidth, height: BOTTOM - y(version.size_bytes), class: 'bar-size' }),
      s('rect', { x: x(i) - barWidth / 4, y: y(version.stored_bytes), width: barWidth / 2, height: BOTTOM - y(version.stored_bytes), class: 'bar-stored' }));
    if (i % labelEvery === 0 || i === count - 1) {
      group.append(s('text', { x: x(i), y: BOTTOM + 16, class: 'axis-label', 'text-anchor': 'middle' }, shortTime(version.created_at)));
    }
    if (isLatest) {
      group.append(s('text', { x: x(i), y: y(version.size_bytes) - 6, class: 'marker-label latest-label', 'text-anchor': 'middle' },
        pinned ? 'latest (pinned)' : 'latest'));
    }
    const names = aliasesOf.get(version.version);
    if (names) {
      group.append(s('text', { x: x(i), y: TOP - 26, class: 'marker-label alias-label', 'text-anchor': 'middle' }, names.join(', ')));
    }
    svg.append(group);
  });

  if (pinned && latest) {
    const from = count - 1;
    const to = latestIndex;
    if (to >= 0 && to !== from) {
      const arcY = BOTTOM + 32;
      svg.append(s('path', {
        d: `M ${x(from)} ${BOTTOM + 22} C ${x(from)} ${arcY + 8}, ${x(to)} ${arcY + 8}, ${x(to)} ${BOTTOM + 24}`,
        class: 'rollback-arc',
      }));
      svg.append(s('path', { d: `M ${x(to) - 5} ${BOTTOM + 32} L ${x(to)} ${BOTTOM + 22} L ${x(to) + 5} ${BOTTOM + 32} Z`, class: 'rollback-head' }));
      svg.append(s('text', { x: (x(from) + x(to)) / 2, y: arcY + 18, class: 'marker-label rollback-label', 'text-anchor': 'middle' },
        `rollback to ${latest.version}`));
    }
  }

  return h('figure', { class: 'plot' },
    svg,
    h('ul', { class: 'legend', 'aria-label': 'Legend' },
      h('li', {}, h('span', { class: 'swatch swatch-size', 'aria-hidden': 'true' }), 'size as uploaded'),
      h('li', {}, h('span', { class: 'swatch swatch-stored', 'aria-hidden': 'true' }), 'size stored (after compression)'),
      h('li', {}, h('span', { class: 'swatch swatch-latest', 'aria-hidden': 'true' }), 'latest now'),
      h('li', {}, h('span', { class: 'swatch swatch-rollback', 'aria-hidden': 'true' }), 'rollback (latest pinned to an older version)')),
    h('figcaption', {}, `${complete ? 'All' : `The ${count} newest`} versions. Each version became latest when it was `
      + 'uploaded and stayed latest until the next upload; the store keeps no log of earlier rollbacks, so only the '
      + 'current pin is marked. Hover a bar for its details; the table below has every figure.'));
}

