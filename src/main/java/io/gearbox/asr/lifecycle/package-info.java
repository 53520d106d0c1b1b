/**
 * The process's life: how a termination signal becomes an orderly stop (drain the requests in flight, then close
 * the native sessions, then exit) instead of the JVM's default, which runs every shutdown hook at once.
 */
package io.gearbox.asr.lifecycle;
