package io.syncookied.router.api;

import java.util.Set;

/**
 * One kind of device, with everything about it in its own package: which configuration keys its targets take, how
 * they are parsed, and the adapter that drives them. Vendors are found through {@code java.util.ServiceLoader} (see
 * {@code io.syncookied.router.DiversionVendors}); adding a vendor is adding one package and one line to
 * {@code META-INF/services/io.syncookied.router.api.DiversionVendor}.
 */
public interface DiversionVendor {

	/** The {@code adapter:} value that selects this vendor, lower case. */
	String name();

	/** One line for the CLI's usage text, e.g. {@code static ARP/NDP entries with ip neigh}. */
	String summary();

	/**
	 * The keys this vendor's targets take besides {@link TargetKeys#COMMON}, normalised (lower case, without
	 * {@code -} and {@code _}).
	 */
	Set<String> keys();

	/** Builds a target; every error is {@code keys.bad(key, why)}, which names the field. */
	RouterTarget parse(TargetKeys keys);

	/** The adapter that drives this vendor's targets; called once per registry, so it may hold state. */
	DiversionAdapter adapter();

}
