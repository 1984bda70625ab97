package io.syncookied.telemetry;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An immutable set of keys by id. A receiver holds every host's key, and two per host during a rollover;
 * an agent holds its sending key plus, during a rollover, the previous one (to accept resend requests).
 */
public final class KeyRing {

	private final Map<Integer, PresharedKey> byId;

	private KeyRing(Map<Integer, PresharedKey> byId) {
		this.byId = Map.copyOf(byId);
	}

	public static KeyRing of(PresharedKey... keys) {
		return of(List.of(keys));
	}

	public static KeyRing of(Collection<PresharedKey> keys) {
		Map<Integer, PresharedKey> map = new HashMap<>();
		for (PresharedKey key : keys) {
			PresharedKey previous = map.put(key.id(), key);
			if (previous != null) {
				throw new IllegalArgumentException(
						"keys: key id " + Integer.toUnsignedString(key.id()) + " is configured twice");
			}
		}
		return new KeyRing(map);
	}

	public @Nullable PresharedKey get(int id) {
		return this.byId.get(id);
	}

	public Collection<PresharedKey> keys() {
		return this.byId.values();
	}

	public int size() {
		return this.byId.size();
	}

	@Override
	public String toString() {
		return "KeyRing" + this.byId.values();
	}

}
