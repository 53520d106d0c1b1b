// Transcribes one recording in a Realtime transcription session with OpenAI's official WebSocket client
// (OpenAIRealtimeWS) and prints what it sees, one JSON object a line: every server event in order ({"event": ...}),
// then {"done": true} once the transcription is completed, or {"error": ...} if the client raised one.
//
// The script sends session.update (audio/pcm at RATE Hz, server_vad or, with TURN_DETECTION=none, null), appends
// the recording in 100 ms base64 chunks followed by 1.5 s of silence, and with TURN_DETECTION=none then commits the
// buffer itself. It ends at the first conversation.item.input_audio_transcription.completed.
//
// Environment: OPENAI_BASE_URL (https://localhost:PORT/v1: the client insists on wss:), OPENAI_API_KEY (any value),
// PCM_FILE (raw 16-bit little-endian mono PCM at RATE), RATE (default 24000), TURN_DETECTION (server_vad or none,
// default server_vad), MODEL (default gearbox-en), TIMEOUT_MS (default 120000). NODE_EXTRA_CA_CERTS makes node
// trust a test certificate.
import fs from 'node:fs';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { report, reportError } from './report.mjs';

const rate = Number(process.env.RATE ?? 24000);
const manual = process.env.TURN_DETECTION === 'none';
const pcm = fs.readFileSync(process.env.PCM_FILE);
const chunkBytes = (rate / 10) * 2; // 100 ms of 16-bit mono
const silence = Buffer.alloc(Math.round(rate * 1.5) * 2);

const client = new OpenAI({ maxRetries: 0 });
const rt = new OpenAIRealtimeWS({ model: process.env.MODEL ?? 'gearbox-en' }, client);
const timer = setTimeout(() => {
  report({ error: { class: 'Timeout', message: 'no completed transcription in time' } });
  process.exitCode = 1;
  rt.close();
}, Number(process.env.TIMEOUT_MS ?? 120_000));

let sent = false;
rt.on('event', (event) => {
  report({ event });
  if (event.type === 'session.updated' && !sent) {
    sent = true;
    sendAudio();
  }
  if (event.type === 'conversation.item.input_audio_transcription.completed') {
    report({ done: true });
    clearTimeout(timer);
    rt.close();
  }
});
rt.on('error', (error) => {
  reportError(error);
  process.exitCode = 1;
  clearTimeout(timer);
  rt.close();
});

rt.socket.on('open', () => {
  rt.send({
    type: 'session.update',
    session: {
      type: 'transcription',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate },
          transcription: { model: process.env.MODEL ?? 'gearbox-en', language: 'en' },
          turn_detection: manual ? null : { type: 'server_vad', silence_duration_ms: 1000 },
        },
      },
    },
  });
});

function sendAudio() {
  const audio = Buffer.concat([pcm, silence]);
  for (let from = 0; from < audio.length; from += chunkBytes) {
    rt.send({ type: 'input_audio_buffer.append', audio: audio.subarray(from, from + chunkBytes).toString('base64') });
  }
  if (manual) {
    rt.send({ type: 'input_audio_buffer.commit' });
  }
}
