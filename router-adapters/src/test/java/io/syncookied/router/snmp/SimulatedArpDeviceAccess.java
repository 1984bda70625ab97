package io.syncookied.router.snmp;

import java.util.HexFormat;

/** Public handle on the package-private simulated device, for tests in other packages. */
public final class SimulatedArpDeviceAccess implements AutoCloseable {

	private final SimulatedArpDevice device;

	public SimulatedArpDeviceAccess(SnmpTarget.Mode mode) throws Exception {
		this.device = new SimulatedArpDevice(mode);
	}

	public int port() {
		return this.device.port();
	}

	/** The MAC of a row, or null when the device has no such row. */
	public String mac(int ifIndex, String ip) {
		SimulatedArpDevice.Row r = this.device.row(ifIndex, ip);
		return r == null ? null : HexFormat.ofDelimiter(":").formatHex(r.mac);
	}

	@Override
	public void close() throws java.io.IOException {
		this.device.close();
	}

}
