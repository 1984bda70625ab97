package io.syncookied.router.junos;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;

/** Public handle on the package-private NETCONF test device, for tests in other packages. */
public final class FakeJunosAccess implements AutoCloseable {

	private final FakeJunos device;

	public FakeJunosAccess(PublicKey authorized) throws Exception {
		this.device = new FakeJunos(authorized);
	}

	public int port() {
		return this.device.port();
	}

	public String hostKeySha256() throws Exception {
		return this.device.hostKeySha256();
	}

	public Map<String, String> committed() {
		return Map.copyOf(this.device.committed);
	}

	public List<String> rpcs() {
		return List.copyOf(this.device.rpcs);
	}

	@Override
	public void close() throws java.io.IOException {
		this.device.close();
	}

}
