// File upload: POST /v1/audio/transcriptions with response_format=verbose_json and word and segment timestamps.

/** A failed request, carrying the RFC 9457 problem's fields when the service sent one. */
export class ProblemError extends Error {
  /**
   * @param {string} message what to tell the user: the problem's `detail`, else the status
   * @param {number} status the HTTP status
   * @param {string|null} code the problem's short `code`
   */
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Transcribes one file.
 * @param {File} file the recording
 * @param {string} depth "auto" or an exit's depth
 * @returns {Promise<object>} the verbose_json body: text, duration (s), segments [{id, start, end, text, depth,
 *     decoding}], words [{word, start, end}] (times in seconds), depth, decoding, model
 */
export async function transcribe(file, depth) {
  const form = new FormData();
  form.append('file', file, file.name);
  form.append('response_format', 'verbose_json');
  form.append('timestamp_granularities[]', 'word');
  form.append('timestamp_granularities[]', 'segment');
  form.append('depth', depth);
  const response = await fetch('/v1/audio/transcriptions', { method: 'POST', body: form });
  if (!response.ok) {
    throw await problem(response);
  }
  return response.json();
}

/** @returns {Promise<ProblemError>} the response's problem, its `detail` first */
export async function problem(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: fall back to the status line
  }
  const detail = body && typeof body.detail === 'string' ? body.detail : null;
  const retry = response.headers.get('Retry-After');
  let message = detail || `${response.status} ${response.statusText}`.trim();
  if (response.status === 503 && retry) {
    message += ` (try again in ${retry} s)`;
  }
  return new ProblemError(message, response.status, body && body.code ? body.code : null);
}
