package io.gearbox.asr.governor;

/** Who chooses the default exit. */
public enum GovernorMode {

	/** The governor's policy chooses it from the signals. */
	AUTO,

	/** An operator pinned it; the policy only watches. */
	PINNED

}
