/**
 * Tests of the monitoring shipped in {@code deploy/}: the Prometheus rules with {@code promtool}, the Grafana
 * dashboard and its provisioning, and every query of both against a real Prometheus scraping the running service.
 */
package io.gearbox.asr.deploy;
