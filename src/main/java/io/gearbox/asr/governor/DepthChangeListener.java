package io.gearbox.asr.governor;

/**
 * Told about every change of the default exit.
 *
 * <p>Called on the thread that made the change while the governor holds its lock, in the order of the changes;
 * it must be quick and must not block (log, bump a counter). An exception it throws is logged and otherwise
 * ignored.
 */
@FunctionalInterface
public interface DepthChangeListener {

	void onDepthChange(DepthChange change);

}
