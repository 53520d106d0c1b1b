/**
 * End-to-end tests: the whole application on a random port, driven over HTTP.
 */
package io.gearbox.asr.e2e;
