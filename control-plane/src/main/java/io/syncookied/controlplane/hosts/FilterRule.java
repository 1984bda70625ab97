package io.syncookied.controlplane.hosts;

/** One pcap-filter rule of a host, evaluated in file order by the dataplane. */
public record FilterRule(String expression, FilterAction action) {

	/** What a matching packet gets. */
	public enum FilterAction {
		PASS, DROP
	}

}
