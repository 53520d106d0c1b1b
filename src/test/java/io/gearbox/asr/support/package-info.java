/**
 * Test support shared by the test packages: the smoke model, synthetic and joined recordings, word error counting,
 * and the runner of the Node client scripts in {@code src/test/node}.
 */
package io.gearbox.asr.support;
