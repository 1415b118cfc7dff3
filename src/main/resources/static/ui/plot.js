// The history plot of one model: a bar per version, oldest on the left, as tall as the model (uploaded size, and the
// stored size inside it), labelled with when it was trained; the version that is latest now stands out, rollbacks
// show as arrows from the version that was latest back to the one made latest, aliases are named above their bars.
// Plain SVG built element by element: no library, nothing inline for the Content-Security-Policy to refuse.
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

/** The rollbacks drawn as arrows, newest first. */
const ARROWS = 3;

/**
 * The rollbacks to draw, newest first, as {from, to, at}: from the moves of latest, which name the version each
 * rollback left; without them (a pointer older than its history) only the current pin, from the newest version.
 */
function rollbacksOf(moves, latest, newest) {
  if (moves.length > 0) {
    return moves.flatMap((move, i) => (move.cause === 'rollback' && moves[i + 1]
      ? [{ from: moves[i + 1].version, to: move.version, at: move.at }] : []));
  }
  return latest?.pinned ? [{ from: newest.version, to: latest.version, at: null }] : [];
}

/**
 * The plot as a <figure>: the SVG (role img, with a text summary), a legend and a caption.
 *
 * @param versions newest first, as the API lists them
 * @param latest   latest's descriptor (pinned says whether a rollback put it there), or null
 * @param aliases  alias → version
 * @param complete whether `versions` are all of the model's versions
 * @param moves    how latest moved, newest first ({version, at, cause}); empty when the store has no record
 */
export function historyPlot(versions, latest, aliases, complete, moves = []) {
  const ordered = [...versions].reverse();
  const count = ordered.length;
  const newest = ordered[count - 1];
  const pinned = latest?.pinned === true;
  const aliasesOf = new Map();
  for (const [alias, version] of Object.entries(aliases ?? {})) {
    aliasesOf.set(version, [...(aliasesOf.get(version) ?? []), alias]);
  }
  const becameLatest = new Map();
  for (const move of moves) {
    becameLatest.set(move.version, [...(becameLatest.get(move.version) ?? []), `${move.at} by ${move.cause}`]);
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
    const recorded = becameLatest.get(version.version);
    const tenure = moves.length > 0
      ? (recorded ? `became latest ${recorded.join(', ')}` : 'not latest since the record began')
      : (next ? `latest from its upload until ${next.created_at}` : (pinned ? 'newest upload; a rollback moved latest off it' : 'latest since its upload'));
    group.append(s('title', {}, `${version.version}: ${bytes(version.size_bytes)} (${bytes(version.stored_bytes)} stored, `
      + `${version.content_encoding}), trained ${version.created_at}; ${isLatest ? `latest now; ${tenure}` : tenure}`));
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

  const indexOf = (version) => ordered.findIndex((v) => v.version === version);
  rollbacksOf(moves, latest, newest).slice(0, ARROWS).forEach((rollback, n) => {
    const from = indexOf(rollback.from);
    const to = indexOf(rollback.to);
    if (from < 0 || to < 0 || from === to) {
      return;
    }
    // The newest arrow is the deepest and labelled; earlier ones sit above it, fainter.
    const depth = 32 - n * 8;
    const arc = s('g', { class: `rollback${n > 0 ? ' earlier' : ''}` });
    arc.append(s('title', {}, `Rollback from ${rollback.from} to ${rollback.to}${rollback.at ? ` at ${rollback.at}` : ''}`),
      s('path', {
        d: `M ${x(from)} ${BOTTOM + 22} C ${x(from)} ${BOTTOM + depth + 8}, ${x(to)} ${BOTTOM + depth + 8}, ${x(to)} ${BOTTOM + 24}`,
        class: 'rollback-arc',
      }),
      s('path', { d: `M ${x(to) - 5} ${BOTTOM + 32} L ${x(to)} ${BOTTOM + 22} L ${x(to) + 5} ${BOTTOM + 32} Z`, class: 'rollback-head' }));
    if (n === 0) {
      arc.append(s('text', { x: (x(from) + x(to)) / 2, y: BOTTOM + depth + 18, class: 'marker-label rollback-label', 'text-anchor': 'middle' },
        `rollback to ${rollback.to}`));
    }
    svg.append(arc);
  });

  return h('figure', { class: 'plot' },
    svg,
    h('ul', { class: 'legend', 'aria-label': 'Legend' },
      h('li', {}, h('span', { class: 'swatch swatch-size', 'aria-hidden': 'true' }), 'size as uploaded'),
      h('li', {}, h('span', { class: 'swatch swatch-stored', 'aria-hidden': 'true' }), 'size stored (after compression)'),
      h('li', {}, h('span', { class: 'swatch swatch-latest', 'aria-hidden': 'true' }), 'latest now'),
      h('li', {}, h('span', { class: 'swatch swatch-rollback', 'aria-hidden': 'true' }), `rollback, from the version that was latest to the one made latest (the newest ${ARROWS})`)),
    h('figcaption', {}, `${complete ? 'All' : `The ${count} newest`} versions. `
      + (moves.length > 0
        ? 'Hover a bar for its details and when it became latest; the moves of latest are listed below the plot.'
        : 'The store has no record of how latest moved for this model yet, so each version shows as latest from its '
          + 'upload until the next and only the current pin is marked.')
      + ' The versions table has every figure.'));
}

