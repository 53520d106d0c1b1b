// Retrieves a model with OpenAI's official client, and one the service does not serve, printing one JSON object a
// line: {"model": ...} for the first, then {"error": ...} for the second (whose class should be NotFoundError).
//
// Environment: OPENAI_BASE_URL, OPENAI_API_KEY, MODEL (the id to retrieve), UNKNOWN_MODEL (an id not served).
import OpenAI from 'openai';
import { report, reportError } from './report.mjs';

const client = new OpenAI({ maxRetries: 0, timeout: 30_000 });
try {
  report({ model: await client.models.retrieve(process.env.MODEL) });
} catch (error) {
  reportError(error);
  process.exitCode = 1;
}
try {
  report({ model: await client.models.retrieve(process.env.UNKNOWN_MODEL) });
} catch (error) {
  reportError(error);
}
