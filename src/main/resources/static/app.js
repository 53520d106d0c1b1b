// The page at /: wires the depth selector (from GET /v1/models), the microphone and its stream to /v1/stream, and
// the file upload to /v1/audio/transcriptions.

import { Microphone, TARGET_RATE } from './microphone.js';
import { GAVE_UP, StreamClient, streamUrl } from './stream-client.js';
import { problem, transcribe } from './upload.js';

const $ = (id) => document.getElementById(id);

/** How long to wait for the service to close after the end message, in milliseconds. */
const END_TIMEOUT_MS = 30000;

/** @returns {string} seconds with two decimals, as the service's times are given to the 10 ms frame */
function seconds(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : '–';
}

function showError(element, message) {
  element.textContent = message;
  element.hidden = !message;
}

// ---- depth selector ---------------------------------------------------------------------------------------------

async function loadModel() {
  try {
    const response = await fetch('/v1/models', { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      throw await problem(response);
    }
    const model = await response.json();
    const select = $('depth');
    for (const exit of model.exits) {
      const option = document.createElement('option');
      option.value = String(exit.depth);
      option.textContent = `${exit.depth} layers`;
      select.append(option);
    }
    const decoding = model.decoding && model.decoding.method ? `, ${model.decoding.method} search` : '';
    $('model').textContent = `${model.name} (version ${model.version}) · ${model.language} · ${model.sampleRate / 1000} kHz · `
        + `${model.exits.length} exits, up to ${model.deepest} layers${decoding}`;
    document.body.dataset.model = 'ready';
  } catch (error) {
    $('model').textContent = `The model's description is unavailable: ${error.message}`;
    document.body.dataset.model = 'failed';
  }
}

function chosenDepth() {
  const value = $('depth').value;
  return value === 'auto' ? 'auto' : Number(value);
}

// ---- live: microphone and stream --------------------------------------------------------------------------------

const live = {
  microphone: null,
  client: null,
  sentSamples: 0,
  partials: 0,
  finals: 0,
  /** segment number → its list item */
  items: new Map(),
};

function setLiveState(state, message) {
  const section = $('segments');
  section.dataset.state = state;
  $('live-status').textContent = message;
  $('start').disabled = state === 'starting' || state === 'streaming' || state === 'stopping';
  $('stop').disabled = state !== 'streaming';
  $('depth').disabled = state === 'starting' || state === 'streaming' || state === 'stopping';
}

function showLevel(rms, peak) {
  $('level').value = Math.min(1, peak);
  $('level').textContent = `${Math.round(peak * 100)}%`;
  const db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
  $('level-text').textContent = Number.isFinite(db) ? `${db.toFixed(0)} dBFS` : '–∞ dBFS';
}

function showResult(message) {
  let item = live.items.get(message.segment);
  if (!item) {
    item = document.createElement('li');
    item.className = 'segment';
    item.dataset.segment = String(message.segment);
    const time = document.createElement('span');
    time.className = 'time';
    const text = document.createElement('span');
    text.className = 'text';
    const gear = document.createElement('span');
    gear.className = 'depth';
    item.append(time, text, gear);
    live.items.set(message.segment, item);
    // In segment order, whatever order their first messages came in.
    const later = [...live.items.entries()].filter(([n]) => n > message.segment).sort(([a], [b]) => a - b);
    $('segments').insertBefore(item, later.length > 0 ? later[0][1] : null);
  }
  if (item.dataset.type === 'final') {
    return; // a final is the segment's last word
  }
  item.dataset.type = message.type;
  item.classList.toggle('partial', message.type === 'partial');
  item.classList.toggle('final', message.type === 'final');
  item.querySelector('.time').textContent = `${seconds(message.start)}–${seconds(message.end)} s`;
  showText(item.querySelector('.text'), message);
  item.querySelector('.depth').textContent = message.depth !== undefined ? `depth ${message.depth}` : '';
  if (message.depth !== undefined) {
    $('gear').textContent = `depth ${message.depth}`;
  }
  if (message.type === 'final') {
    live.finals += 1;
    if (message.text) {
      $('live-announce').textContent = message.text;
    }
  } else {
    live.partials += 1;
  }
  $('segments').dataset.partials = String(live.partials);
  $('segments').dataset.finals = String(live.finals);
}

/** A final's words, each with its times and confidence on hover; a partial's text as it is. */
function showText(element, message) {
  const words = Array.isArray(message.words) ? message.words : [];
  if (message.type !== 'final' || words.length === 0 || words.map((w) => w.word).join(' ') !== message.text) {
    element.textContent = message.text || '…';
    return;
  }
  element.replaceChildren();
  words.forEach((word, i) => {
    if (i > 0) {
      element.append(' ');
    }
    const span = document.createElement('span');
    span.className = 'word';
    span.textContent = word.word;
    const confidence = typeof word.confidence === 'number' ? `, confidence ${word.confidence.toFixed(2)}` : '';
    span.title = `${seconds(word.start)}–${seconds(word.end)} s${confidence}`;
    element.append(span);
  });
}

function sentSeconds() {
  return live.sentSamples / TARGET_RATE;
}

async function start() {
  showError($('live-error'), '');
  $('segments').replaceChildren();
  live.items.clear();
  live.sentSamples = 0;
  live.partials = 0;
  live.finals = 0;
  $('segments').dataset.partials = '0';
  $('segments').dataset.finals = '0';
  $('gear').textContent = '–';
  setLiveState('starting', 'Opening the microphone…');
  const microphone = new Microphone((chunk) => {
    showLevel(chunk.rms, chunk.peak);
    if (live.client) {
      live.client.send(chunk.pcm);
      live.sentSamples += chunk.samples;
      $('segments').dataset.sentSeconds = sentSeconds().toFixed(1);
      if ($('segments').dataset.state === 'streaming') {
        $('live-status').textContent = `Streaming: ${sentSeconds().toFixed(1)} s sent.`;
      }
    }
  });
  try {
    await microphone.open();
  } catch (error) {
    setLiveState('idle', 'Press Start and speak.');
    const denied = error && (error.name === 'NotAllowedError' || error.name === 'SecurityError');
    showError($('live-error'), denied ? 'The browser did not allow the microphone.' : `No microphone: ${error.message}`);
    return;
  }
  live.microphone = microphone;
  live.client = new StreamClient(streamUrl(), {
    sample_rate: TARGET_RATE,
    encoding: 'pcm_s16le',
    interim_results: true,
    depth: chosenDepth(),
  }, {
    onOpen: () => setLiveState('streaming', `Streaming from a ${microphone.deviceRate / 1000} kHz microphone.`),
    onResult: showResult,
    onError: (error) => showError($('live-error'), error.message),
    onClose: (close) => finish(close),
  });
}

async function stop() {
  setLiveState('stopping', 'Finishing the last segment…');
  const microphone = live.microphone;
  live.microphone = null;
  if (microphone) {
    await microphone.stop(); // its last, shorter chunk goes out before the end message
  }
  if (live.client) {
    const client = live.client;
    client.end();
    // The service answers the end with the last final and a close; a connection that stays silent is let go.
    setTimeout(() => {
      if (live.client === client) {
        client.abort(GAVE_UP);
      }
    }, END_TIMEOUT_MS);
  }
}

async function finish(close) {
  live.client = null;
  if (live.microphone) {
    const microphone = live.microphone;
    live.microphone = null;
    await microphone.close();
  }
  showLevel(0, 0);
  if (close.clean) {
    setLiveState('closed', `Done: ${sentSeconds().toFixed(1)} s of audio, ${live.finals} `
        + `segment${live.finals === 1 ? '' : 's'}.`);
  } else {
    setLiveState('failed', close.busy ? 'The service is busy.' : 'The stream stopped.');
    showError($('live-error'), close.message);
  }
}

// ---- file upload -------------------------------------------------------------------------------------------------

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    td.textContent = cell;
    tr.append(td);
  }
  return tr;
}

function showTranscription(result) {
  $('upload-text').textContent = result.text || '(no words heard)';
  $('upload-meta').textContent = `${seconds(result.duration)} s of audio · depth ${result.depth} · `
      + `${result.decoding} decoding · ${result.model}`;
  $('upload-segments').tBodies[0].replaceChildren(...(result.segments || [])
    .map((s) => row([String(s.id), seconds(s.start), seconds(s.end), String(s.depth ?? result.depth), s.text])));
  $('upload-words').tBodies[0].replaceChildren(...(result.words || [])
    .map((w) => row([w.word, seconds(w.start), seconds(w.end)])));
  $('upload-result').hidden = false;
}

async function upload(event) {
  event.preventDefault();
  const file = $('file').files[0];
  showError($('upload-error'), '');
  if (!file) {
    showError($('upload-error'), 'Choose a recording first.');
    return;
  }
  $('transcribe').disabled = true;
  $('upload-result').hidden = true;
  $('upload-status').textContent = `Transcribing ${file.name}…`;
  try {
    const started = performance.now();
    const result = await transcribe(file, chosenDepth());
    showTranscription(result);
    $('upload-status').textContent = `Transcribed ${file.name} in ${((performance.now() - started) / 1000).toFixed(1)} s.`;
  } catch (error) {
    $('upload-status').textContent = '';
    showError($('upload-error'), error.message);
  } finally {
    $('transcribe').disabled = false;
  }
}

// ---- start -------------------------------------------------------------------------------------------------------

$('start').addEventListener('click', start);
$('stop').addEventListener('click', stop);
$('upload').addEventListener('submit', upload);
window.addEventListener('pagehide', () => {
  if (live.client) {
    live.client.abort();
  }
  if (live.microphone) {
    live.microphone.close();
  }
});
setLiveState('idle', 'Press Start and speak.');
loadModel();
