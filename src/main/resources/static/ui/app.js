// The model browser: asks the service who the caller is (GET /api/v1/me), asks for an API key when it must, and
// shows the view the address names: #/ (batches), #/batch/{batch} (its models), #/model/{batch}/{metric}[/{tag}]
// (a model's versions and history). The service enforces every rule; the page only hides what the caller cannot do.
import { ApiError, apiKey, get } from './api.js';
import { clear, h } from './dom.js';
import { renderBatch, renderBatches } from './views.js';
import { renderModel } from './model.js';

const view = document.getElementById('view');
const status = document.getElementById('status');
const crumbs = document.getElementById('crumbs');
const callerBox = document.getElementById('caller');
const keySection = document.getElementById('key-section');
const keyForm = document.getElementById('key-form');
const keyInput = document.getElementById('key-input');
const keyError = document.getElementById('key-error');

let caller = null;

/** Glob patterns as the service reads them: * any run of characters, ? one character. */
function globMatches(pattern, name) {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(name);
}

/** What the page may offer: admin actions only to an admin whose batch patterns cover the batch. */
const rights = {
  isAdmin: (batch) => caller?.role === 'admin' && caller.batches.some((pattern) => globMatches(pattern, batch)),
  mayRead: (batch) => caller?.role !== 'none' && caller.batches.some((pattern) => globMatches(pattern, batch)),
};

function say(message, kind = '') {
  status.textContent = message;
  status.className = `status ${kind}`.trim();
}

function showCaller() {
  clear(callerBox);
  if (!caller) {
    return;
  }
  const who = caller.anonymous ? 'no key needed here' : `key ${caller.name}`;
  callerBox.append(h('span', {}, `${who} · role `, h('strong', {}, caller.role)));
  if (apiKey.get()) {
    callerBox.append(h('button', { type: 'button', class: 'link-button', onclick: forgetKey }, 'Forget key'));
  }
}

function forgetKey() {
  apiKey.clear();
  caller = null;
  showCaller();
  clear(view);
  clear(crumbs);
  askForKey('');
}

function askForKey(message) {
  keySection.hidden = false;
  keyError.textContent = message;
  say('');
  keyInput.focus();
}

async function identify() {
  try {
    caller = await get('/me');
    keySection.hidden = true;
    showCaller();
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      const hadKey = apiKey.get() !== null;
      apiKey.clear();
      askForKey(hadKey ? 'The service does not know this key.' : '');
      return false;
    }
    say(`The service could not be asked who you are: ${error.message}`, 'error');
    return false;
  }
}

keyForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  if (!key) {
    return;
  }
  apiKey.set(key);
  keyInput.value = '';
  if (await identify()) {
    await route();
  }
});

function setCrumbs(parts) {
  clear(crumbs);
  parts.forEach(([label, href], i) => {
    const last = i === parts.length - 1;
    crumbs.append(h('li', {}, last ? h('span', { 'aria-current': 'page' }, label) : h('a', { href }, label)));
  });
}

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'batch' && parts.length === 2) {
    return { name: 'batch', batch: parts[1] };
  }
  if (parts[0] === 'model' && (parts.length === 3 || parts.length === 4)) {
    return { name: 'model', model: { batch: parts[1], metric: parts[2], tag: parts[3] ?? null } };
  }
  return { name: 'batches' };
}

const context = {
  rights,
  say,
  setCrumbs,
  /** Shows the current view again, with fresh data, then a message about what just happened. */
  rerender: async (message) => {
    await route();
    if (message) {
      say(message, 'success');
    }
  },
};

async function route() {
  if (!caller) {
    return;
  }
  const target = parseRoute();
  say('Loading…');
  clear(view);
  try {
    if (target.name === 'batch') {
      await renderBatch(view, target.batch, context);
    } else if (target.name === 'model') {
      await renderModel(view, target.model, context);
    } else {
      await renderBatches(view, context);
    }
    if (status.textContent === 'Loading…') {
      say('');
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      caller = null;
      showCaller();
      apiKey.clear();
      askForKey('The service asked for a key again.');
      return;
    }
    say(error.message, 'error');
  }
  const heading = view.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

window.addEventListener('hashchange', route);
if (await identify()) {
  await route();
}
