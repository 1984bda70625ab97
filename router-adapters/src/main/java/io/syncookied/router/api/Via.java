package io.syncookied.router.api;

import java.net.InetAddress;
import java.util.List;

/** Where a router sends a diverted address's traffic. */
public sealed interface Via {

	/** A static ARP or NDP entry: the router delivers the address's frames to this MAC on the shared segment. */
	record Mac(MacAddress mac) implements Via {

		@Override
		public String toString() {
			return this.mac.toString();
		}

	}

	/**
	 * A host route (/32 or /128) announced to the router: it forwards the address to this next hop.
	 * @param communities the BGP communities the route carries, as configured ({@code 65000:666}, {@code no-export})
	 */
	record NextHop(InetAddress address, List<String> communities) implements Via {

		public NextHop {
			communities = List.copyOf(communities);
		}

		@Override
		public String toString() {
			return "via " + IpAddresses.text(this.address)
					+ (this.communities.isEmpty() ? "" : " communities " + String.join(",", this.communities));
		}

	}

}
