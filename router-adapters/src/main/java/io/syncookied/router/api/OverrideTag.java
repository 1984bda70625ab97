package io.syncookied.router.api;

/**
 * Who asked for an override and why. Written to the device where it can hold it (the Junos commit
 * comment, the Linux neighbour's protocol number marks the entry as ours) and always logged.
 *
 * @param owner {@code control-plane} or {@code operator}
 * @param reason free text, e.g. {@code syn-flood 180 kpps}
 * @param mitigationId the control plane's mitigation id, so every override can be traced and withdrawn
 */
public record OverrideTag(String owner, String reason, String mitigationId) {

	public OverrideTag {
		owner = clean(owner);
		reason = clean(reason);
		mitigationId = clean(mitigationId);
	}

	public static OverrideTag operator() {
		return new OverrideTag("operator", "manual", "-");
	}

	/** One line, no quotes: safe inside a Junos {@code <log>} and in logs. */
	public String render() {
		return "syncookied owner=" + this.owner + " mitigation=" + this.mitigationId + " reason=" + this.reason;
	}

	private static String clean(String s) {
		String t = s == null ? "" : s.replaceAll("[\\p{Cntrl}\"'<>&]", " ").strip();
		return t.isEmpty() ? "-" : t.length() > 120 ? t.substring(0, 120) : t;
	}

}
