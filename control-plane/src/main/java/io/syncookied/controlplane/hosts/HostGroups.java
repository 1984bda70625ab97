package io.syncookied.controlplane.hosts;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The host groups of one hosts file, indexed by prefix: a host finds every group its address lies in, most specific
 * first, with one map lookup per distinct prefix length (a file of many groups and many hosts stays linear).
 *
 * @param <G> what a group carries
 */
final class HostGroups<G> {

	/** Per address length in bytes (4, 16): prefix length, longest first, to the groups of that length. */
	private final Map<Integer, TreeMap<Integer, Map<IpPrefix, G>>> byLength = new HashMap<>();

	private final List<G> all = new ArrayList<>();

	/**
	 * Adds a group.
	 *
	 * @return the group already holding this prefix, if any (then nothing is added)
	 */
	Optional<G> add(IpPrefix prefix, G group) {
		Map<IpPrefix, G> same = this.byLength
			.computeIfAbsent(prefix.network().getAddress().length, k -> new TreeMap<>((a, b) -> b - a))
			.computeIfAbsent(prefix.length(), k -> new HashMap<>());
		G first = same.putIfAbsent(prefix, group);
		if (first == null) {
			this.all.add(group);
		}
		return Optional.ofNullable(first);
	}

	/** Every group, in the order they were added. */
	List<G> all() {
		return this.all;
	}

	/** The groups that hold {@code ip}, the longest prefix first. */
	List<G> containing(InetAddress ip) {
		TreeMap<Integer, Map<IpPrefix, G>> lengths = this.byLength.get(ip.getAddress().length);
		if (lengths == null) {
			return List.of();
		}
		List<G> out = new ArrayList<>();
		lengths.forEach((length, groups) -> {
			G g = groups.get(IpPrefix.of(ip, length));
			if (g != null) {
				out.add(g);
			}
		});
		return out;
	}

}
