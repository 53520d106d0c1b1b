// What the scripts print: one JSON object a line on standard output, so that the Java tests read them back with
// a JSON parser and nothing else is needed to tell the lines apart.
import OpenAI from 'openai';

export function report(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

// An error as the client raised it: its class (NotFoundError, APIError, ...), its HTTP status when it has one, and
// the error object the service sent.
export function reportError(error) {
  report({
    error: {
      class: error?.constructor?.name ?? typeof error,
      apiError: error instanceof OpenAI.APIError,
      notFound: error instanceof OpenAI.NotFoundError,
      status: error?.status ?? null,
      message: String(error?.message ?? error),
      body: error?.error ?? null,
    },
  });
}
