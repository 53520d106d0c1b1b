/**
 * Deployment tests: the monitoring shipped in {@code deploy/} (the Prometheus rules with {@code promtool}, the
 * Grafana dashboard and its provisioning, every query of both against a real Prometheus scraping the running
 * service); the packaged service as a separate process (its stop on SIGTERM); and its container image under a real
 * container engine (read-only, as its own user, healthy, transcribing through the mapped port).
 */
package io.gearbox.asr.deploy;
