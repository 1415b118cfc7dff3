// Small helpers to build the page. Text always goes in as text nodes, never as HTML: names and metadata come from
// uploaders and must not become markup.

/** An element with attributes (on* handlers as listeners, `class` as className) and children (strings or nodes). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
}

/** A table with a caption, column headers and one row per item; cells carry their column's label for narrow screens. */
export function table(caption, columns, rows, className = '') {
  return h('div', { class: 'table-wrap' },
    h('table', { class: className },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col' }, column)))),
      h('tbody', {}, rows.map((cells) => h('tr', {},
        cells.map((cell, i) => (i === 0
          ? h('th', { scope: 'row', 'data-label': columns[i] }, cell)
          : h('td', { 'data-label': columns[i] }, cell))))))));
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(count) {
  if (count === undefined || count === null) {
    return '–';
  }
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

/** A UTC timestamp as people read it, in a <time> element that keeps the exact instant. */
export function when(instant) {
  if (!instant) {
    return '–';
  }
  const date = new Date(instant);
  return h('time', { datetime: date.toISOString(), title: date.toISOString() },
    `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC (${age(date)})`);
}

/** How long ago, roughly: "3 min ago", "5 h ago", "12 d ago". */
export function age(date) {
  const seconds = Math.max(0, (Date.now() - date.getTime()) / 1000);
  if (seconds < 90) {
    return 'just now';
  }
  if (seconds < 5400) {
    return `${Math.round(seconds / 60)} min ago`;
  }
  if (seconds < 129600) {
    return `${Math.round(seconds / 3600)} h ago`;
  }
  return `${Math.round(seconds / 86400)} d ago`;
}

/** A small label: latest, pinned, an alias, archived. */
export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}`.trim() }, text);
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

export { append };
