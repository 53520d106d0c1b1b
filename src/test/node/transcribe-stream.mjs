// Streams one transcription with OpenAI's official client and prints what it sees, one JSON object a line:
// every event the client yields (in order, as {"event": ...}), or the error it raised ({"error": ...}).
//
// Environment: OPENAI_BASE_URL (e.g. http://localhost:8080/v1), OPENAI_API_KEY (any value: the service does not
// check it), AUDIO_FILE (the recording to upload), MODEL (optional, default gearbox-en). NODE_EXTRA_CA_CERTS
// makes node trust a test certificate for an https base URL.
import fs from 'node:fs';
import OpenAI from 'openai';
import { report, reportError } from './report.mjs';

const client = new OpenAI({ maxRetries: 0, timeout: 120_000 });
try {
  const stream = await client.audio.transcriptions.create({
    file: fs.createReadStream(process.env.AUDIO_FILE),
    model: process.env.MODEL ?? 'gearbox-en',
    stream: true,
  });
  for await (const event of stream) {
    report({ event });
  }
} catch (error) {
  reportError(error);
  process.exitCode = 1;
}
