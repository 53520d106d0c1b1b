/**
 * Deployment tests: the monitoring shipped in {@code deploy/} (the Prometheus rules with {@code promtool}, the
 * Grafana dashboard and its provisioning, every query of both against a real Prometheus scraping the running
 * service); the packaged service as a separate process (its stop on SIGTERM); and its container image under a real
 * container engine (read-only, as its own user, healthy, transcribing through the mapped port), and run as a kubelet
 * would run the pod the Helm chart renders (its probes, its ConfigMap, Prometheus scraping it as the ServiceMonitor
 * says). The pod run reads the chart through {@code io.gearbox.asr.deploy.kubernetes}.
 */
package io.gearbox.asr.deploy;
