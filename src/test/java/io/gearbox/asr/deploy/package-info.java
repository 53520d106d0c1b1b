/**
 * Deployment tests: the packaged service as a separate process (its stop on SIGTERM), and its container image under
 * a real container engine (read-only, as its own user, healthy, transcribing through the mapped port).
 */
package io.gearbox.asr.deploy;
