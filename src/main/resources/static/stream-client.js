// The client end of /v1/stream. The protocol: a text message {"type":"config", ...} first, then binary chunks of
// audio, then {"type":"end"}; the service answers text messages {"type":"partial"|"final", "segment", "text",
// "start", "end" (seconds from the stream's start), "words", "depth"} and, before closing on a failure,
// {"type":"error", "code", "message"}. After "end" it sends the last final and closes with 1000.

/** The close code of a stream the page gave up waiting for (an application code: 4000 to 4999). */
export const GAVE_UP = 4000;

/** What the service's close codes mean, for when it closes without an error message. */
const CLOSE_REASONS = {
  1000: 'The stream ended.',
  1003: 'The service cannot take this kind of data.',
  1006: 'The connection was lost.',
  1007: 'The service could not read the audio or the config.',
  1008: 'The service refused the stream.',
  1011: 'The service failed while recognising.',
  1013: 'The service is busy: try again in a moment.',
  [GAVE_UP]: 'The service did not finish the stream in time.',
};

/** Chunks kept while the socket opens: 5 s of 100 ms chunks; older ones are dropped rather than grow without bound. */
const MAX_QUEUED_CHUNKS = 50;

/** @returns {string} the ws: or wss: URL of /v1/stream on the page's own host */
export function streamUrl(location = window.location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/v1/stream`;
}

/**
 * One stream. Handlers: onResult(message) for partial and final results, onError({code, message}) for the
 * service's error message, onClose({code, reason, clean, message}) once, when the socket closes (message: what to
 * tell the user, the service's own if it sent one).
 */
export class StreamClient {
  /**
   * @param {string} url the stream's URL
   * @param {{sample_rate: number, encoding: string, interim_results: boolean, depth: string|number}} config
   * @param {{onResult: Function, onError: Function, onClose: Function, onOpen?: Function}} handlers
   */
  constructor(url, config, handlers) {
    this.handlers = handlers;
    this.queue = [];
    this.serviceError = null;
    this.ended = false;
    this.socket = new WebSocket(url);
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => {
      this.socket.send(JSON.stringify({ type: 'config', ...config }));
      for (const chunk of this.queue) {
        this.socket.send(chunk);
      }
      this.queue = [];
      if (this.ended) {
        this.socket.send(JSON.stringify({ type: 'end' }));
      }
      if (handlers.onOpen) {
        handlers.onOpen();
      }
    };
    this.socket.onmessage = (event) => this.receive(event.data);
    // A failed socket also fires close, which says all there is to say.
    this.socket.onerror = () => {};
    this.socket.onclose = (event) => {
      const known = CLOSE_REASONS[event.code] || `The connection closed (code ${event.code}).`;
      const message = this.serviceError ? this.serviceError.message
        : (event.code === GAVE_UP ? known : (event.reason || known));
      handlers.onClose({ code: event.code, reason: event.reason, clean: event.code === 1000, message, busy: event.code === 1013 });
    };
  }

  receive(data) {
    if (typeof data !== 'string') {
      return; // the protocol has no binary messages from the service
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message.type === 'partial' || message.type === 'final') {
      this.handlers.onResult(message);
    } else if (message.type === 'error') {
      this.serviceError = { code: message.code, message: message.message };
      this.handlers.onError(this.serviceError);
    }
  }

  /** @param {ArrayBuffer} pcm a chunk of audio in the config's encoding */
  send(pcm) {
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(pcm);
    } else if (this.socket.readyState === WebSocket.CONNECTING) {
      this.queue.push(pcm);
      if (this.queue.length > MAX_QUEUED_CHUNKS) {
        this.queue.shift();
      }
    }
  }

  /** Says the audio is over: the service sends its last final and closes. */
  end() {
    if (this.ended) {
      return;
    }
    this.ended = true;
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: 'end' }));
    }
  }

  /**
   * Closes at once, without waiting for the last final.
   * @param {number} code 1000, or one of the application's codes (4000 and up) when it gives up on the service
   */
  abort(code = 1000) {
    if (this.socket.readyState === WebSocket.CONNECTING || this.socket.readyState === WebSocket.OPEN) {
      this.socket.close(code);
    }
  }
}
