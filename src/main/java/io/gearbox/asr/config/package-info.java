/**
 * Configuration: the {@code asr.*} properties as immutable, validated records and the wiring that builds the core
 * components from them. Nothing in the core packages reads properties.
 */
package io.gearbox.asr.config;
