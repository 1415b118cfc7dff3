// The admin actions: roll back, set and delete aliases, delete a version, restore an archived one. Each asks for
// confirmation in a modal <dialog> (Escape or Cancel leaves everything as it was) and then calls the API, which
// checks the caller's role and batches again.
import { call, modelPath } from './api.js';
import { clear, h } from './dom.js';

const dialog = document.getElementById('confirm');
const title = document.getElementById('confirm-title');
const text = document.getElementById('confirm-text');
const fields = document.getElementById('confirm-fields');
const ok = document.getElementById('confirm-ok');
const cancel = document.getElementById('confirm-cancel');

/**
 * Asks for confirmation; resolves to the entered field values (an object, empty without fields) or null when the
 * operator cancelled. Focus starts on the first field, or on Cancel: Enter alone never deletes anything.
 */
export function confirmDialog({ heading, message, confirmLabel, inputs = [] }) {
  title.textContent = heading;
  text.textContent = message;
  ok.textContent = confirmLabel;
  clear(fields);
  for (const input of inputs) {
    fields.append(h('p', { class: 'field' }, h('label', { for: `confirm-${input.name}` }, input.label), input.control(`confirm-${input.name}`)));
  }
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      if (dialog.returnValue !== 'ok') {
        resolve(null);
        return;
      }
      const values = {};
      for (const input of inputs) {
        values[input.name] = document.getElementById(`confirm-${input.name}`).value.trim();
      }
      resolve(values);
    }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    (fields.querySelector('input, select') ?? cancel).focus();
  });
}

function textInput(placeholder) {
  return (id) => h('input', { id, type: 'text', required: true, autocomplete: 'off', spellcheck: 'false', placeholder });
}

function numberInput(value, min, max) {
  return (id) => h('input', { id, type: 'number', required: true, value, min, max, inputmode: 'numeric' });
}

function select(options, selected) {
  return (id) => h('select', { id }, options.map((option) => h('option', { value: option, selected: option === selected }, option)));
}

/** Runs an admin call after confirmation, then shows the view again with the outcome. */
async function run(context, confirmation, request, done) {
  const values = await confirmDialog(confirmation);
  if (values === null) {
    context.say('Cancelled; nothing was changed.');
    return;
  }
  try {
    await request(values);
    await context.rerender(done(values));
  } catch (error) {
    context.say(`${confirmation.heading} failed: ${error.message}`, 'error');
  }
}

export function rollback(context, model, version) {
  return run(context, {
    heading: 'Roll back',
    message: `Make version ${version} latest for ${model.batch}/${model.metric}? Scorers get it from their next `
      + 'download, until the next upload.',
    confirmLabel: `Roll back to ${version}`,
  }, () => call('PUT', modelPath(model, '/latest'), { version }), () => `Latest is now version ${version}.`);
}

export function setAlias(context, model, version) {
  return run(context, {
    heading: 'Set alias',
    message: `Point an alias at version ${version}. An alias that exists moves here.`,
    confirmLabel: 'Set alias',
    inputs: [{ name: 'alias', label: 'Alias name', control: textInput('production') }],
  }, ({ alias }) => call('PUT', modelPath(model, `/aliases/${encodeURIComponent(alias)}`), { version }),
  ({ alias }) => `Alias ${alias} now points to version ${version}.`);
}

export function deleteAlias(context, model, alias, version) {
  return run(context, {
    heading: 'Delete alias',
    message: `Delete alias ${alias} (now version ${version})? The version stays; callers of the alias get 404.`,
    confirmLabel: `Delete alias ${alias}`,
  }, () => call('DELETE', modelPath(model, `/aliases/${encodeURIComponent(alias)}`)), () => `Alias ${alias} is deleted.`);
}

export function deleteVersion(context, model, version) {
  return run(context, {
    heading: 'Delete version',
    message: `Delete version ${version} of ${model.batch}/${model.metric} for good? If it is latest, the newest `
      + 'remaining version becomes latest.',
    confirmLabel: `Delete ${version}`,
  }, () => call('DELETE', modelPath(model, `/versions/${encodeURIComponent(version)}`)), () => `Version ${version} is deleted.`);
}

export function restore(context, model, version) {
  return run(context, {
    heading: 'Restore archived version',
    message: `Ask S3 to restore version ${version}. Typical times: Expedited 1–5 minutes, Standard 3–5 hours, `
      + 'Bulk 5–12 hours (Deep Archive: Standard within 12 hours, Bulk within 48 hours).',
    confirmLabel: 'Restore',
    inputs: [
      { name: 'days', label: 'Days the restored copy stays', control: numberInput(7, 1, 3650) },
      { name: 'tier', label: 'Retrieval tier', control: select(['Expedited', 'Standard', 'Bulk'], 'Standard') },
    ],
  }, ({ days, tier }) => call('POST', modelPath(model, `/versions/${encodeURIComponent(version)}/restore`, { days, tier })),
  () => `Restore of version ${version} requested.`);
}
